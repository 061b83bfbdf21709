package dev.lb.admin;

import dev.lb.metrics.ProxyMetrics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Each replica's traffic over the last second, from the forward path's meters: requests per second, errors (5xx and
 * tries without a reply), and the 99th percentile of response time from the histogram buckets counted in that second.
 */
final class Stats {

  private record Sample(double requests, double errors, CountAtBucket[] buckets) { }

  private final Map<String, Sample> previous = new HashMap<>();
  private final Map<String, JsonObject> current = new HashMap<>();

  void tick(ProxyMetrics metrics) {
    Map<String, ProxyMetrics.Replica> all = metrics.all();
    previous.keySet().retainAll(all.keySet());
    current.keySet().retainAll(all.keySet());
    all.forEach((name, meters) -> {
      HistogramSnapshot histogram = meters.responseTime().takeSnapshot();
      Sample now = new Sample(meters.requests(), meters.errors(), histogram.histogramCounts());
      Sample before = previous.put(name, now);
      if (before != null) {
        current.put(name, new JsonObject().put("rps", now.requests - before.requests)
            .put("errors", now.errors - before.errors).put("p99ms", p99Ms(before.buckets, now.buckets)));
      }
    });
  }

  /** The 99th percentile, in ms, of what the buckets counted between two snapshots; null if nothing was. */
  static Double p99Ms(CountAtBucket[] before, CountAtBucket[] now) {
    if (before.length != now.length || now.length == 0) {
      return null;
    }
    double total = now[now.length - 1].count() - before[before.length - 1].count();
    if (total <= 0) {
      return null;
    }
    for (int k = 0; k < now.length; k++) {
      if (now[k].count() - before[k].count() >= 0.99 * total) {
        return now[k].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    }
    return now[now.length - 1].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  JsonObject of(String name) {
    return current.getOrDefault(name, new JsonObject().put("rps", 0.0).put("errors", 0.0).putNull("p99ms"));
  }
}
