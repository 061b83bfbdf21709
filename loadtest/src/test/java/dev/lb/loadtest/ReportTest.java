package dev.lb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REPORT.md is written from results.json alone: the committed report is exactly what the committed results give, so a
 * change to how the report is written shows here before it makes the committed one untrue.
 */
class ReportTest {

  private static final Path RESULTS = Path.of("results");

  @TempDir
  Path dir;

  @Test
  void theCommittedReportIsWhatTheCommittedResultsGive() throws IOException {
    JsonObject results = new JsonObject(Files.readString(RESULTS.resolve("results.json")));
    Report.write(dir, results);
    assertEquals(Files.readString(RESULTS.resolve("REPORT.md")), Files.readString(dir.resolve("REPORT.md")));
  }
}
