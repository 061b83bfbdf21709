package dev.lb.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's charts, drawn from results.json alone, like REPORT.md: an experiment records its numbers, and this
 * draws every chart whose numbers are there. A-3's timelines need the per-bucket counts a run of {@code a3} records
 * since they were added to results.json; older results draw no A-3 chart.
 */
final class ResultCharts {

  private ResultCharts() {}

  /** Draws into {@code dir} every chart {@code results} has the numbers for; returns the file names written. */
  static List<String> draw(Path dir, JsonObject results) {
    List<String> written = new ArrayList<>();
    JsonObject a1 = results.getJsonObject("a1");
    if (a1 != null) {
      written.add(a1(dir, a1));
    }
    JsonObject a2 = results.getJsonObject("a2");
    if (a2 != null) {
      written.add(a2(dir, a2, results.getJsonObject("settings", new JsonObject())));
    }
    JsonObject a3 = results.getJsonObject("a3", new JsonObject());
    for (String kind : List.of("kill", "hang")) {
      JsonObject disruption = a3.getJsonObject(kind);
      if (disruption != null && disruption.containsKey("timeline")) {
        written.add(a3(dir, kind, disruption));
      }
    }
    JsonObject a4 = results.getJsonObject("a4");
    if (a4 != null) {
      written.add(a4(dir, a4));
    }
    JsonObject remap = results.getJsonObject("remap");
    if (remap != null) {
      written.add(remap(dir, remap));
    }
    return written;
  }

  private static String a1(Path dir, JsonObject a1) {
    JsonObject run = a1.getJsonObject("run");
    Map<String, Long> counts = new LinkedHashMap<>();
    run.getJsonObject("perReplica").forEach(e -> counts.put(e.getKey(), ((Number) e.getValue()).longValue()));
    Charts.bars(dir.resolve("a1.png"), "A-1: " + run.getLong("requests") + " requests on N = "
        + a1.getJsonObject("stats").getInteger("N") + " (" + a1.getString("description") + ")", "replica",
        "requests handled", counts);
    return "a1.png";
  }

  private static String a2(Path dir, JsonObject a2, JsonObject settings) {
    Map<String, List<double[]>> lines = new LinkedHashMap<>();
    for (String s : List.of("mean", "min", "max")) {
      lines.put(s, new ArrayList<>());
    }
    for (JsonObject row : objects(a2.getJsonArray("rows"))) {
      double n = row.getInteger("N");
      lines.get("mean").add(new double[] {n, row.getDouble("mean")});
      lines.get("min").add(new double[] {n, row.getDouble("min")});
      lines.get("max").add(new double[] {n, row.getDouble("max")});
    }
    Charts.lines(dir.resolve("a2.png"), "A-2: requests per replica, " + settings.getInteger("requests", 0)
        + " requests per N (" + a2.getString("description") + ")", "N (replicas)", "requests handled per replica",
        lines, true);
    return "a2.png";
  }

  private static String a3(Path dir, String kind, JsonObject disruption) {
    JsonObject timeline = disruption.getJsonObject("timeline");
    double bucketSeconds = timeline.getLong("bucketMs") / 1000.0;
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    series.put("answered", perSecond(timeline.getJsonArray("ok"), bucketSeconds));
    series.put("failed", perSecond(timeline.getJsonArray("failed"), bucketSeconds));
    double at = timeline.getLong("disruptedAtMs") / 1000.0;
    Map<String, Double> marks = new LinkedHashMap<>();
    marks.put("kill".equals(kind) ? "killed" : "hung", at);
    if (disruption.getValue("detectMs") != null) {
      marks.put("detected", at + disruption.getLong("detectMs") / 1000.0);
    }
    if (disruption.getValue("replaceMs") != null) {
      marks.put("replaced", at + disruption.getLong("replaceMs") / 1000.0);
    }
    String file = "a3-" + kind + ".png";
    Charts.timeline(dir.resolve(file), "A-3: a replica " + ("kill".equals(kind) ? "killed (SIGKILL)" : "hung (SIGSTOP)")
        + " under load", series, marks);
    return file;
  }

  private static List<double[]> perSecond(JsonArray counts, double bucketSeconds) {
    List<double[]> points = new ArrayList<>();
    for (int k = 0; k < counts.size(); k++) {
      points.add(new double[] {k * bucketSeconds, counts.getLong(k) / bucketSeconds});
    }
    return points;
  }

  private static String a4(Path dir, JsonObject a4) {
    Map<String, Map<String, Double>> balance = new LinkedHashMap<>();
    for (JsonObject config : objects(a4.getJsonArray("configs"))) {
      Map<String, Double> row = new LinkedHashMap<>();
      objects(config.getJsonObject("a2").getJsonArray("rows"))
          .forEach(r -> row.put("N=" + r.getInteger("N"), r.getDouble("maxOverMean")));
      balance.put(config.getString("config"), row);
    }
    Charts.groupedBars(dir.resolve("a4.png"), "A-4: busiest replica / mean load, by configuration and N",
        "replicas", "max / mean", balance, 1.0);
    return "a4.png";
  }

  private static String remap(Path dir, JsonObject remap) {
    Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
    for (JsonObject config : objects(remap.getJsonArray("configs"))) {
      Map<String, Double> row = new LinkedHashMap<>();
      row.put("add (4 -> 5)", config.getJsonObject("add").getDouble("ratio"));
      row.put("remove (5 -> 4)", config.getJsonObject("remove").getDouble("ratio"));
      ratios.put(config.getString("config"), row);
    }
    Charts.groupedBars(dir.resolve("remap.png"), "remap: keys moved / ideal share", "change", "moved / ideal",
        ratios, 1.0);
    return "remap.png";
  }

  private static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> list = new ArrayList<>();
    array.forEach(o -> list.add((JsonObject) o));
    return list;
  }
}
