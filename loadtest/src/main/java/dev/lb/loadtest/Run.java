package dev.lb.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one batch of requests gave: requests per replica (from the replies), failures, latencies, wall time, and
 * per-100-ms buckets of successes and failures for a timeline.
 */
final class Run {

  static final long BUCKET_MS = 100;

  final Map<String, Long> perReplica = new TreeMap<>();
  final Map<Integer, Long> perStatus = new TreeMap<>();
  final Histogram latencyMicros = new Histogram(60_000_000L, 3);
  long[] okPerBucket = new long[64];
  long[] failedPerBucket = new long[64];
  long ok;
  long failed;
  long wallNanos;
  long startMillis;

  void record(int status, String replica, long latencyNanos, long atMillis, boolean success) {
    perStatus.merge(status, 1L, Long::sum);
    if (replica != null) {
      perReplica.merge(replica, 1L, Long::sum);
    }
    latencyMicros.recordValue(Math.min(latencyMicros.getHighestTrackableValue(), Math.max(1, latencyNanos / 1000)));
    int bucket = (int) ((atMillis - startMillis) / BUCKET_MS);
    if (bucket >= okPerBucket.length) {
      okPerBucket = Arrays.copyOf(okPerBucket, Math.max(bucket + 1, okPerBucket.length * 2));
      failedPerBucket = Arrays.copyOf(failedPerBucket, okPerBucket.length);
    }
    if (success) {
      ok++;
      okPerBucket[bucket]++;
    } else {
      failed++;
      failedPerBucket[bucket]++;
    }
  }

  long total() {
    return ok + failed;
  }

  double wallMillis() {
    return wallNanos / 1e6;
  }

  double requestsPerSecond() {
    return total() / (wallNanos / 1e9);
  }

  int buckets() {
    int last = okPerBucket.length - 1;
    while (last > 0 && okPerBucket[last] == 0 && failedPerBucket[last] == 0) {
      last--;
    }
    return last + 1;
  }

  /** Successes and failures per {@link #BUCKET_MS} bucket from the start, up to the last bucket with any. */
  JsonObject timelineJson() {
    int n = buckets();
    return new JsonObject().put("bucketMs", BUCKET_MS)
        .put("ok", new JsonArray(Arrays.stream(okPerBucket, 0, n).boxed().toList()))
        .put("failed", new JsonArray(Arrays.stream(failedPerBucket, 0, n).boxed().toList()));
  }

  JsonObject toJson() {
    JsonObject counts = new JsonObject();
    perReplica.forEach(counts::put);
    JsonObject statuses = new JsonObject();
    perStatus.forEach((k, v) -> statuses.put(String.valueOf(k), v));
    return new JsonObject()
        .put("requests", total()).put("ok", ok).put("failed", failed)
        .put("perReplica", counts).put("perStatus", statuses)
        .put("wallMs", Math.round(wallMillis() * 10) / 10.0)
        .put("requestsPerSecond", Math.round(requestsPerSecond()))
        .put("latencyMicros", new JsonObject()
            .put("p50", latencyMicros.getValueAtPercentile(50)).put("p90", latencyMicros.getValueAtPercentile(90))
            .put("p99", latencyMicros.getValueAtPercentile(99)).put("p999", latencyMicros.getValueAtPercentile(99.9))
            .put("max", latencyMicros.getMaxValue()));
  }
}
