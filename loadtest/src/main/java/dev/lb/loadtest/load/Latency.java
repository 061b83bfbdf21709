package dev.lb.loadtest.load;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of a run, in µs, as every report shows them.
 *
 * @param count how many latencies were recorded
 * @param p50   the median
 * @param p90   90th percentile
 * @param p99   99th percentile
 * @param p999  99.9th percentile
 * @param max   the slowest request
 */
public record Latency(long count, long p50, long p90, long p99, long p999, long max) {

  /** The percentiles of a histogram of µs. */
  public static Latency of(Histogram micros) {
    return new Latency(micros.getTotalCount(), micros.getValueAtPercentile(50), micros.getValueAtPercentile(90),
        micros.getValueAtPercentile(99), micros.getValueAtPercentile(99.9), micros.getMaxValue());
  }

  /** {@code {"p50", "p90", "p99", "p999", "max"}}: the same fields in results.json and bench.json. */
  public JsonObject toJson() {
    return new JsonObject().put("p50", p50).put("p90", p90).put("p99", p99).put("p999", p999).put("max", max);
  }
}
