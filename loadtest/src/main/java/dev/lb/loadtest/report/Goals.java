package dev.lb.loadtest.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The figures the project promises, checked against a run: the analysis' (A-1's speed, the best configuration's
 * balance and key movement) and the bench's (throughput, CPU and latency against HAProxy, heap and rate of large
 * transfers). Shown as met or missed, never asserted by a test: the bench's noise here is ±10–15 %. Each file keeps its
 * documented form: results.json's {@code targets} ({@code goal, measured, pass}) and bench.json's {@code goals}
 * ({@code goal, balancer, reference, met}).
 */
public final class Goals {

  static final double A1_WALL_MS = 2000;
  static final double MAX_OVER_MEAN = 1.05;
  static final double MOVED_OVER_IDEAL = 1.1;
  static final double HEAP_GROWTH_MIB = 32;
  /** The balancer's resident memory at its peak under the request load, and its growth during the transfers. */
  static final double RSS_PEAK_LOAD_MIB = 160;
  static final double RSS_GROWTH_TRANSFERS_MIB = 32;

  private Goals() {}

  /** results.json's {@code targets}: A-1's wall time, then the best configuration's balance and key movement. */
  public static JsonObject analysis(JsonObject results) {
    JsonObject goals = new JsonObject();
    JsonObject a1 = results.getJsonObject("a1");
    if (a1 != null) {
      double wall = a1.getJsonObject("run").getDouble("wallMs");
      goals.put("a1", new JsonObject().put("goal", "10,000 requests in under " + (int) A1_WALL_MS + " ms")
          .put("measured", wall).put("pass", wall < A1_WALL_MS));
    }
    JsonObject a4 = results.getJsonObject("a4");
    JsonObject balance = a4 == null ? null : balance(a4);
    if (balance != null) {
      goals.put("balance", balance);
    }
    JsonObject remap = results.getJsonObject("remap");
    if (remap != null && balance != null) {
      // a bound moves no key of an idle balancer: the key movement is that of its ring
      remap(remap, balance.getString("best").replaceAll("-bounded.*", "")).ifPresent(g -> goals.put("remap", g));
    }
    return goals;
  }

  private static JsonObject balance(JsonObject a4) {
    String best = null;
    double bestWorst = Double.MAX_VALUE;
    for (Object o : a4.getJsonArray("configs")) {
      JsonObject c = (JsonObject) o;
      double worst = worst(c.getJsonObject("a2").getJsonArray("rows"));
      if (worst < bestWorst) {
        bestWorst = worst;
        best = c.getString("config");
      }
    }
    return new JsonObject().put("goal", "best configuration's max/mean <= " + MAX_OVER_MEAN + " for N = 2..6")
        .put("best", best).put("measured", bestWorst).put("pass", bestWorst <= MAX_OVER_MEAN);
  }

  private static Optional<JsonObject> remap(JsonObject remap, String algorithm) {
    for (Object o : remap.getJsonArray("configs")) {
      JsonObject c = (JsonObject) o;
      if (c.getString("config").equals(algorithm)) {
        double ratio = Math.max(c.getJsonObject("add").getDouble("ratio"), c.getJsonObject("remove").getDouble("ratio"));
        return Optional.of(new JsonObject().put("goal", "keys moved on add/remove <= " + MOVED_OVER_IDEAL + " x ideal")
            .put("config", algorithm).put("measured", ratio).put("pass", ratio <= MOVED_OVER_IDEAL));
      }
    }
    return Optional.empty();
  }

  /** The busiest replica's share over the mean at the worst N of A-2's rows. */
  public static double worst(JsonArray rows) {
    double worst = 0;
    for (Object r : rows) {
      worst = Math.max(worst, ((JsonObject) r).getDouble("maxOverMean"));
    }
    return worst;
  }

  /** bench.json's {@code goals}, from its targets' medians and its transfers and start-up. */
  public static JsonArray bench(JsonObject results) {
    JsonArray targets = results.getJsonArray("targets", new JsonArray());
    Optional<JsonObject> lb = medians(targets, "balancer");
    Optional<JsonObject> ha = medians(targets, "haproxy");
    JsonArray goals = new JsonArray();
    goals.add(BenchGoal.compare("requests/s ≥ HAProxy's", lb, ha, "requestsPerSecond", true));
    goals.add(BenchGoal.compare("proxy CPU µs/request ≤ HAProxy's", lb, ha, "cpuUsPerRequest", false));
    goals.add(BenchGoal.compare("p99 added over direct at a fixed rate (µs) ≤ HAProxy's", lb, ha,
        "fixedP99AddedOverDirectUs", false));
    goals.add(BenchGoal.atMost("balancer RSS at its peak under the request load ≤ " + (int) RSS_PEAK_LOAD_MIB + " MiB",
        lb, ha, "rssPeakLoadMiB", RSS_PEAK_LOAD_MIB));
    goals.add(BenchGoal.atMost("balancer RSS growth during the transfers ≤ " + (int) RSS_GROWTH_TRANSFERS_MIB + " MiB",
        lb, ha, "rssGrowthTransfersMiB", RSS_GROWTH_TRANSFERS_MIB));
    JsonObject transfers = results.getJsonObject("transfers");
    for (String kind : new String[] {"download", "upload"}) {
      goals.add(BenchGoal.heap(kind, transfers, HEAP_GROWTH_MIB));
      goals.add(BenchGoal.rate(kind, transfers));
    }
    goals.add(new JsonObject().put("goal", "ring lookup < 20 ns/op")
        .put("balancer", "see `loadtest jmh RingLookup`").put("met", (Boolean) null));
    JsonObject startup = results.getJsonObject("startup", new JsonObject());
    goals.add(new JsonObject().put("goal", "time from start to 90 % of steady throughput (s)")
        .put("balancer", startup.getValue("secondsFromLaunchTo90", startup.getString("error", "not measured")))
        .put("reference", "steady " + startup.getValue("steadyRequestsPerSecond", "?") + " req/s")
        .put("met", (Boolean) null));
    return goals;
  }

  /** The medians over rounds of the bench target {@code name}, if it was driven. */
  public static Optional<JsonObject> medians(JsonArray targets, String name) {
    return targets.stream().map(JsonObject.class::cast).filter(t -> t.getString("name").equals(name))
        .map(t -> t.getJsonObject("median")).filter(m -> m != null).findFirst();
  }

  /** REPORT.md's goals section, from results.json's {@code targets}; nothing if none was evaluated. */
  public static void analysisSection(Markdown md, JsonObject targets) {
    if (targets.isEmpty()) {
      return;
    }
    md.line("## Targets").line("").line("| goal | measured | |").line("|---|---|---|");
    for (String key : targets.fieldNames()) {
      JsonObject g = targets.getJsonObject(key);
      String detail = g.containsKey("best") ? " (" + g.getString("best") + ")"
          : g.containsKey("config") ? " (" + g.getString("config") + ")" : "";
      md.line("| %s | %s%s | %s |", g.getString("goal"), g.getValue("measured"), detail,
          g.getBoolean("pass") ? "met" : "**missed**");
    }
    md.line("");
  }

  /** bench.md's goals section, from bench.json's {@code goals}. */
  public static void benchSection(Markdown md, JsonArray goals) {
    md.text("## Targets\n\nShown, never asserted: compare only figures taken in the same run (noise ±10–15 %).\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Object o : goals) {
      JsonObject g = (JsonObject) o;
      Boolean met = g.getBoolean("met");
      rows.add(List.of(g.getString("goal"), Markdown.figure(g.getValue("balancer")),
          Markdown.figure(g.getValue("reference")), met == null ? "" : met ? "met" : "**missed**"));
    }
    md.table(List.of("target", "balancer", "reference", ""), rows).text("\n");
  }
}
