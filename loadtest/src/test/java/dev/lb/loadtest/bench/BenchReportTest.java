package dev.lb.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** bench.md and the terminal's table are written from bench.json alone; the committed bench.md is what it gives. */
class BenchReportTest {

  private static final Path BENCH = Path.of("results", "bench");

  @Test
  void theCommittedBenchMdIsWhatTheCommittedBenchJsonGives() throws IOException {
    JsonObject results = new JsonObject(Files.readString(BENCH.resolve("bench.json")));
    assertEquals(Files.readString(BENCH.resolve("bench.md")), BenchReport.markdown(results));
  }

  @Test
  void theTerminalTableHasARowPerTarget() throws IOException {
    String table = BenchReport.table(new JsonObject(Files.readString(BENCH.resolve("bench.json"))));
    assertEquals(5, table.lines().count(), table);
    assertTrue(table.lines().findFirst().orElseThrow().startsWith("target  "), table);
    assertTrue(table.contains("haproxy"), table);
  }
}
