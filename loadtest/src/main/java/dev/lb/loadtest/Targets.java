package dev.lb.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The figures the project promises, checked against a run: speed of A-1, balance and key movement of the best. */
final class Targets {

  static final double A1_WALL_MS = 2000;
  static final double MAX_OVER_MEAN = 1.05;
  static final double MOVED_OVER_IDEAL = 1.1;

  private Targets() {}

  static JsonObject evaluate(JsonObject results) {
    JsonObject targets = new JsonObject();
    JsonObject a1 = results.getJsonObject("a1");
    if (a1 != null) {
      double wall = a1.getJsonObject("run").getDouble("wallMs");
      targets.put("a1", new JsonObject().put("goal", "10,000 requests in under " + (int) A1_WALL_MS + " ms")
          .put("measured", wall).put("pass", wall < A1_WALL_MS));
    }
    JsonObject a4 = results.getJsonObject("a4");
    String best = null;
    if (a4 != null) {
      double bestWorst = Double.MAX_VALUE;
      for (Object o : a4.getJsonArray("configs")) {
        JsonObject c = (JsonObject) o;
        double worst = worst(c.getJsonObject("a2").getJsonArray("rows"));
        if (worst < bestWorst) {
          bestWorst = worst;
          best = c.getString("config");
        }
      }
      targets.put("balance", new JsonObject().put("goal", "best configuration's max/mean <= " + MAX_OVER_MEAN + " for N = 2..6")
          .put("best", best).put("measured", bestWorst).put("pass", bestWorst <= MAX_OVER_MEAN));
    }
    JsonObject remap = results.getJsonObject("remap");
    if (remap != null && best != null) {
      // a bound moves no key of an idle balancer: the key movement is that of its ring
      String algorithm = best.replaceAll("-bounded.*", "");
      for (Object o : remap.getJsonArray("configs")) {
        JsonObject c = (JsonObject) o;
        if (c.getString("config").equals(algorithm)) {
          double ratio = Math.max(c.getJsonObject("add").getDouble("ratio"), c.getJsonObject("remove").getDouble("ratio"));
          targets.put("remap", new JsonObject().put("goal", "keys moved on add/remove <= " + MOVED_OVER_IDEAL + " x ideal")
              .put("config", algorithm).put("measured", ratio).put("pass", ratio <= MOVED_OVER_IDEAL));
        }
      }
    }
    return targets;
  }

  static double worst(JsonArray rows) {
    double worst = 0;
    for (Object r : rows) {
      worst = Math.max(worst, ((JsonObject) r).getDouble("maxOverMean"));
    }
    return worst;
  }
}
