package dev.lb.loadtest.bench;

import io.vertx.core.json.JsonObject;

/**
 * What one load run measured, whichever generator made it.
 *
 * @param requests   responses received (any status)
 * @param durationUs how long the run lasted
 * @param errors     failed requests: connect/read/write/timeout failures and non-2xx/3xx statuses
 * @param detail     the errors by kind, as the generator counts them
 * @param p50Us      latency percentiles in µs
 * @param p90Us      ditto
 * @param p99Us      ditto
 * @param p999Us     ditto
 * @param maxUs      the slowest request
 */
public record Load(long requests, long durationUs, long errors, JsonObject detail, long p50Us, long p90Us, long p99Us,
    long p999Us, long maxUs) {

  /** Responses per second over the run. */
  public double requestsPerSecond() {
    return durationUs <= 0 ? 0 : requests * 1e6 / durationUs;
  }

  public JsonObject toJson() {
    return new JsonObject().put("requests", requests).put("durationUs", durationUs)
        .put("requestsPerSecond", Math.round(requestsPerSecond())).put("errors", errors).put("errorDetail", detail)
        .put("latencyUs", new JsonObject().put("p50", p50Us).put("p90", p90Us).put("p99", p99Us).put("p999", p999Us)
            .put("max", maxUs));
  }
}
