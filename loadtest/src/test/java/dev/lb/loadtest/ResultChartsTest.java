package dev.lb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lb.loadtest.report.PngAssertions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analysis' charts are drawn from results.json alone: each one whose numbers are there, none whose are not. */
class ResultChartsTest {

  @TempDir
  Path dir;

  @Test
  void everyChartWithItsNumbersInTheResultsIsDrawn() throws IOException {
    JsonObject results = results(true);
    assertEquals(List.of("a1.png", "a2.png", "a3-kill.png", "a4.png", "remap.png"), ResultCharts.draw(dir, results));
    for (String file : List.of("a1.png", "a2.png", "a3-kill.png", "a4.png", "remap.png")) {
      PngAssertions.assertPng(dir.resolve(file));
    }
  }

  @Test
  void a3IsNotDrawnFromResultsWithoutItsTimeline() {
    assertFalse(ResultCharts.draw(dir, results(false)).contains("a3-kill.png"));
    assertFalse(Files.exists(dir.resolve("a3-kill.png")));
  }

  /** A small results.json, A-3's kill (with or without its timeline), A-4 and remap. */
  private static JsonObject results(boolean timeline) {
    JsonObject stats = new JsonObject().put("N", 2).put("mean", 50.0);
    JsonObject a1 = new JsonObject().put("description", "test ring").put("stats", stats)
        .put("run", new JsonObject().put("requests", 100).put("perReplica", new JsonObject().put("2", 30).put("1", 70)));
    JsonArray rows = new JsonArray()
        .add(new JsonObject().put("N", 2).put("mean", 50.0).put("min", 30).put("max", 70).put("maxOverMean", 1.4))
        .add(new JsonObject().put("N", 3).put("mean", 33.3).put("min", 0).put("max", 60).put("maxOverMean", 1.8));
    JsonObject a2 = new JsonObject().put("description", "test ring").put("rows", rows);
    JsonObject kill = new JsonObject().put("concurrency", 16).put("detectMs", 33).put("replaceMs", 1_199)
        .put("run", new JsonObject().put("requests", 300).put("failed", 2));
    if (timeline) {
      kill.put("timeline", new JsonObject().put("bucketMs", 100).put("disruptedAtMs", 100)
          .put("ok", new JsonArray().add(100).add(80).add(118)).put("failed", new JsonArray().add(0).add(2).add(0)));
    }
    JsonObject a4 = new JsonObject().put("configs", new JsonArray()
        .add(new JsonObject().put("config", "maglev").put("a2", a2)));
    JsonObject change = new JsonObject().put("fromN", 4).put("toN", 5).put("moved", 0.203).put("ideal", 0.2);
    JsonObject remap = new JsonObject().put("configs", new JsonArray().add(new JsonObject().put("config", "maglev")
        .put("keys", 1_000).put("add", change).put("remove", change.copy().put("fromN", 5).put("toN", 4))));
    return new JsonObject().put("settings", new JsonObject().put("requests", 100)).put("a1", a1).put("a2", a2)
        .put("a3", new JsonObject().put("kill", kill)).put("a4", a4).put("remap", remap);
  }
}
