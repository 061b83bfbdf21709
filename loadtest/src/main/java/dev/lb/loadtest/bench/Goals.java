package dev.lb.loadtest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The project's performance targets against a bench run's figures: each shown as met, missed, or not measured. They
 * are made visible here and never asserted by a test (run-to-run noise on these machines is ±10–15 %).
 */
final class Goals {

  static final double HEAP_GROWTH_MIB = 32;

  private Goals() {}

  static JsonArray of(JsonObject results) {
    JsonArray targets = results.getJsonArray("targets", new JsonArray());
    Optional<JsonObject> lb = Summary.median(targets, "balancer");
    Optional<JsonObject> ha = Summary.median(targets, "haproxy");
    JsonArray goals = new JsonArray();
    goals.add(compare("requests/s ≥ HAProxy's", lb, ha, "requestsPerSecond", true));
    goals.add(compare("proxy CPU µs/request ≤ HAProxy's", lb, ha, "cpuUsPerRequest", false));
    goals.add(compare("p99 added over direct at a fixed rate (µs) ≤ HAProxy's", lb, ha, "fixedP99AddedOverDirectUs", false));
    JsonObject transfers = results.getJsonObject("transfers");
    for (String kind : new String[] {"download", "upload"}) {
      goals.add(heap(kind, transfers));
      goals.add(rate(kind, transfers));
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

  private static JsonObject compare(String goal, Optional<JsonObject> lb, Optional<JsonObject> ha, String field,
      boolean higherIsBetter) {
    JsonObject g = new JsonObject().put("goal", goal);
    Double mine = lb.map(m -> m.getDouble(field)).orElse(null);
    Double theirs = ha.map(m -> m.getDouble(field)).orElse(null);
    g.put("balancer", mine).put("reference", theirs == null ? "HAProxy not measured" : theirs);
    if (mine != null && theirs != null) {
      g.put("met", higherIsBetter ? mine >= theirs : mine <= theirs);
    }
    return g;
  }

  private static JsonObject heap(String kind, JsonObject transfers) {
    JsonObject g = new JsonObject().put("goal", "balancer heap growth during the " + kind + " < " + (int) HEAP_GROWTH_MIB + " MiB");
    JsonObject t = transfer(transfers, "balancer", kind);
    if (t == null) {
      return g.put("balancer", transfers == null ? "not measured (--transfer)" : "no result");
    }
    JsonObject heap = t.getJsonObject("heap");
    if (!t.getBoolean("ok", false)) {
      return g.put("balancer", t.getString("error")).put("met", false);
    }
    if (heap == null || !heap.containsKey("heapGrowthMiB")) {
      return g.put("balancer", "no heap samples");
    }
    double growth = heap.getDouble("heapGrowthMiB");
    return g.put("balancer", growth).put("reference", "old gen " + heap.getDouble("oldGenGrowthMiB") + " MiB")
        .put("met", growth < HEAP_GROWTH_MIB);
  }

  private static JsonObject rate(String kind, JsonObject transfers) {
    JsonObject g = new JsonObject().put("goal", kind + " MiB/s through the balancer ≥ HAProxy's");
    JsonObject mine = transfer(transfers, "balancer", kind);
    JsonObject theirs = transfer(transfers, "haproxy", kind);
    if (mine == null) {
      return g.put("balancer", transfers == null ? "not measured (--transfer)" : "no result");
    }
    g.put("balancer", mine.getBoolean("ok", false) ? mine.getValue("MiBps") : mine.getString("error"));
    if (theirs == null || !theirs.getBoolean("ok", false)) {
      return g.put("reference", theirs == null ? "HAProxy not measured" : theirs.getString("error"));
    }
    g.put("reference", theirs.getDouble("MiBps"));
    return g.put("met", mine.getBoolean("ok", false) && mine.getDouble("MiBps") >= theirs.getDouble("MiBps"));
  }

  private static JsonObject transfer(JsonObject transfers, String target, String kind) {
    if (transfers == null || !(transfers.getValue(target) instanceof JsonObject t)) {
      return null;
    }
    return t.getJsonObject(kind);
  }
}
