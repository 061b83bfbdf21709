package dev.lb.loadtest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RssSamplerTest {

  @Test
  void thePeakOfAProcessThatGrowsAndShrinksAgain() throws IOException, InterruptedException {
    // a process that touches 64 MiB for a second, then lets it go
    Process p = new ProcessBuilder("python3", "-c",
        "import time\ntime.sleep(0.5)\nb = b'x' * (64 << 20)\ntime.sleep(1)\ndel b\ntime.sleep(1)").start();
    try {
      RssSampler sampler = RssSampler.start(() -> List.of(p.pid()));
      assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      JsonObject rss = sampler.stop();
      assertTrue(rss.getDouble("growthMiB") >= 56, rss.encode());
      assertEquals(rss.getDouble("peakMiB") - rss.getDouble("startMiB"), rss.getDouble("growthMiB"), 0.11, rss.encode());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void goneProcessesCountAsNothing() {
    JsonObject rss = RssSampler.start(() -> List.of(Long.MAX_VALUE)).stop();
    assertEquals(new JsonObject().put("startMiB", 0.0).put("peakMiB", 0.0).put("growthMiB", 0.0), rss);
  }
}
