package dev.lb.loadtest;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;

/** Mean, spread and imbalance of requests per replica; replicas that got nothing count as 0. */
record Stats(int replicas, double mean, long min, long max, double std) {

  static Stats of(Map<String, Long> perReplica, Collection<String> replicas) {
    long total = 0;
    long min = Long.MAX_VALUE;
    long max = 0;
    for (String r : replicas) {
      long c = perReplica.getOrDefault(r, 0L);
      total += c;
      min = Math.min(min, c);
      max = Math.max(max, c);
    }
    double mean = total / (double) replicas.size();
    double var = 0;
    for (String r : replicas) {
      double d = perReplica.getOrDefault(r, 0L) - mean;
      var += d * d;
    }
    return new Stats(replicas.size(), mean, min, max, Math.sqrt(var / replicas.size()));
  }

  double maxOverMean() {
    return max / mean;
  }

  JsonObject toJson() {
    return new JsonObject().put("N", replicas).put("mean", round(mean)).put("min", min).put("max", max)
        .put("std", round(std)).put("maxOverMean", round3(maxOverMean()));
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
