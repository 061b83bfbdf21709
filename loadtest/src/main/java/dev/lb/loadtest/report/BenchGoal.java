package dev.lb.loadtest.report;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** How one of bench.json's goals is judged: the balancer's figure, the reference it is held to, and whether it met it. */
final class BenchGoal {

  private BenchGoal() {}

  /** The balancer's median {@code field} against HAProxy's. */
  static JsonObject compare(String goal, Optional<JsonObject> lb, Optional<JsonObject> ha, String field,
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

  /** The balancer's median {@code field} against a fixed {@code limit}, HAProxy's shown beside it. */
  static JsonObject atMost(String goal, Optional<JsonObject> lb, Optional<JsonObject> ha, String field, double limit) {
    JsonObject g = new JsonObject().put("goal", goal);
    Double mine = lb.map(m -> m.getDouble(field)).orElse(null);
    g.put("reference", ha.map(m -> m.getDouble(field)).map(v -> (Object) ("HAProxy " + v)).orElse("HAProxy not measured"));
    if (mine == null) {
      return g.put("balancer", "not measured");
    }
    return g.put("balancer", mine).put("met", mine <= limit);
  }

  /** The balancer's heap growth during a transfer against {@code limitMiB}. */
  static JsonObject heap(String kind, JsonObject transfers, double limitMiB) {
    JsonObject g = new JsonObject().put("goal", "balancer heap growth during the " + kind + " < " + (int) limitMiB + " MiB");
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
        .put("met", growth < limitMiB);
  }

  /** A transfer's rate through the balancer against HAProxy's. */
  static JsonObject rate(String kind, JsonObject transfers) {
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
