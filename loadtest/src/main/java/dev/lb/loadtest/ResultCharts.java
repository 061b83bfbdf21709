package dev.lb.loadtest;

import dev.lb.loadtest.report.ChartStyle;
import dev.lb.loadtest.report.Charts;
import dev.lb.loadtest.report.SpreadChart;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The report's charts, drawn from results.json alone, like REPORT.md: an experiment records its numbers, and this
 * draws every chart whose numbers are there. A-3's timelines need the per-bucket counts a run of {@code a3} records
 * since they were added to results.json; older results draw no A-3 chart.
 */
final class ResultCharts {

  private static final NumberFormat PERCENT = ChartStyle.format("0.0");
  private static final NumberFormat WHOLE_PERCENT = ChartStyle.format("0.#");

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
    JsonObject stats = a1.getJsonObject("stats");
    JsonObject perReplica = run.getJsonObject("perReplica");
    List<String> replicas = new ArrayList<>(perReplica.fieldNames());
    // by ring id, so "Server 10" follows "Server 9"; a label without a number keeps its place after those with one
    replicas.sort(Comparator.comparingInt(r -> Charts.ringIdOf(r, Integer.MAX_VALUE - 1)));
    Map<String, Long> counts = new LinkedHashMap<>();
    replicas.forEach(r -> counts.put(r, perReplica.getLong(r)));
    double mean = stats.getDouble("mean");
    Charts.replicaBars(dir.resolve("a1.png"), new Charts.Labels(
        "A-1: requests handled by each replica, N = " + stats.getInteger("N"),
        count(run.getLong("requests")) + " requests · " + a1.getString("description"), "replica", "requests"),
        counts, new Charts.Reference(mean, "even share " + count(Math.round(mean))));
    return "a1.png";
  }

  private static String a2(Path dir, JsonObject a2, JsonObject settings) {
    List<SpreadChart.Spread> points = new ArrayList<>();
    for (JsonObject row : objects(a2.getJsonArray("rows"))) {
      points.add(new SpreadChart.Spread(row.getInteger("N"), row.getDouble("mean"), row.getDouble("min"),
          row.getDouble("max")));
    }
    SpreadChart.draw(dir.resolve("a2.png"), new Charts.Labels("A-2: requests per replica as replicas are added",
        count(settings.getLong("requests", 0L)) + " requests for each N · " + a2.getString("description"),
        "replicas (N)", "requests per replica"), points);
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
    mark(marks, "detected", at, disruption.getLong("detectMs"));
    mark(marks, "replaced", at, disruption.getLong("replaceMs"));
    String file = "a3-" + kind + ".png";
    JsonObject run = disruption.getJsonObject("run");
    Charts.timeline(dir.resolve(file), new Charts.Labels(
        "A-3: requests answered while a replica is " + ("kill".equals(kind) ? "killed (SIGKILL)" : "hung (SIGSTOP)"),
        disruption.getInteger("concurrency", 0) + " requests in flight · " + count(run.getLong("failed")) + " of "
            + count(run.getLong("requests")) + " failed · counted in " + timeline.getLong("bucketMs")
            + " ms buckets, shown per second",
        "time since the load started (s)", "requests / s"), series, marks, null);
    return file;
  }

  /** The mark of an event {@code afterMs} after the disruption at {@code at} s, if it happened at all. */
  private static void mark(Map<String, Double> marks, String event, double at, Long afterMs) {
    if (afterMs != null) {
      marks.put(event + " +" + millis(afterMs), at + afterMs / 1000.0);
    }
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
          .forEach(r -> row.put("N = " + r.getInteger("N"), r.getDouble("maxOverMean")));
      balance.put(config.getString("config"), row);
    }
    Charts.groupedBars(dir.resolve("a4.png"), new Charts.Labels("A-4: load on the busiest replica, by configuration",
        "busiest replica's requests ÷ the mean per replica, for each N · 1.0 is a perfectly even split",
        "replicas (N)", "busiest ÷ mean (×)"), balance, new Charts.Reference(1.0, "even"), null);
    return "a4.png";
  }

  private static String remap(Path dir, JsonObject remap) {
    Map<String, Map<String, Double>> moved = new LinkedHashMap<>();
    Set<Double> ideals = new TreeSet<>();
    long keys = 0;
    for (JsonObject config : objects(remap.getJsonArray("configs"))) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (String change : List.of("add", "remove")) {
        JsonObject c = config.getJsonObject(change);
        String label = (change.equals("add") ? "replica added" : "replica removed") + " (N = " + c.getInteger("fromN")
            + " → " + c.getInteger("toN") + ")";
        row.put(label, c.getDouble("moved") * 100);
        ideals.add(c.getDouble("ideal") * 100);
      }
      moved.put(config.getString("config"), row);
      keys = config.getLong("keys", keys);
    }
    // one line only when every change has the same ideal share (1/5 for 4 -> 5 and 5 -> 4)
    Double only = ideals.size() == 1 ? ideals.iterator().next() : null;
    Charts.Reference ideal = only == null ? null
        : new Charts.Reference(only, "ideal " + WHOLE_PERCENT.format(only) + " %");
    Charts.groupedBars(dir.resolve("remap.png"), new Charts.Labels(
        "remap: keys that move when a replica is added or removed",
        count(keys) + " fixed keys · ideal: only the keys of the replica added or removed move",
        "change to the replica set", "share of keys moved (%)"), moved, ideal, PERCENT);
    return "remap.png";
  }

  private static String count(long n) {
    return ChartStyle.thousands().format(n);
  }

  private static String millis(long ms) {
    return ms < 1000 ? ms + " ms" : ChartStyle.format("0.0").format(ms / 1000.0) + " s";
  }

  private static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> list = new ArrayList<>();
    array.forEach(o -> list.add((JsonObject) o));
    return list;
  }
}
