package dev.lb.loadtest.bench;

import dev.lb.admin.Palette;
import dev.lb.loadtest.report.PngAssertions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's three charts are drawn from bench.json alone, the balancer's bars in the palette's first colour. */
class BenchChartsTest {

  @TempDir
  Path dir;

  @Test
  void theCommittedBenchJsonGivesEveryChart() throws IOException {
    BenchCharts.write(dir, new JsonObject(Files.readString(Path.of("results", "bench", "bench.json"))));
    for (String file : new String[] {"bench.png", "bench-cpu.png", "bench-startup.png"}) {
      PngAssertions.assertPng(dir.resolve(file));
    }
    PngAssertions.assertDrawnIn(dir.resolve("bench.png"), Palette.hex(1));
    PngAssertions.assertDrawnIn(dir.resolve("bench-cpu.png"), Palette.hex(1));
  }
}
