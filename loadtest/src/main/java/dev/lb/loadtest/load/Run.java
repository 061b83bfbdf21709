package dev.lb.loadtest.load;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What one load run measured, whichever generator made it ({@link LoadGenerator} or {@link Wrk}): requests answered
 * and failed, how long the run took and its latency; from the JVM generator also the replies by replica and by status,
 * and a timeline. The analysis and the bench write it in two JSON forms, {@link #analysisJson} for results.json and
 * {@link #toJson} for bench.json: both files are documented outputs with committed results, so their field names stay.
 *
 * @param answered    responses received, any status
 * @param unanswered  requests without a response: connection failures, resets and timeouts, and (at a fixed rate)
 *                    requests still unsent when the run ended
 * @param badStatus   responses with a status of 400 or more
 * @param errorDetail the failures by kind, as the generator counts them
 * @param durationUs  from the first request sent to the last answer
 * @param latency     latency percentiles
 * @param perReplica  successful replies by the replica that named itself in them (JVM generator only, else empty)
 * @param perStatus   replies by status, 0 for no response (JVM generator only, else empty)
 * @param timeline    successes and failures over time (JVM generator only, else null)
 * @param startMillis wall-clock time of the start, to place events on the timeline
 */
public record Run(long answered, long unanswered, long badStatus, JsonObject errorDetail, long durationUs,
    Latency latency, Map<String, Long> perReplica, Map<Integer, Long> perStatus, Timeline timeline, long startMillis) {

  /** Every request meant to be sent, answered or not. */
  public long total() {
    return answered + unanswered;
  }

  /** Requests answered with a status under 400. */
  public long ok() {
    return answered - badStatus;
  }

  /** Requests that failed: no response, a status of 400 or more, or never sent. */
  public long errors() {
    return unanswered + badStatus;
  }

  /** Responses per second over the run: the bench's throughput. */
  public double requestsPerSecond() {
    return durationUs <= 0 ? 0 : answered * 1e6 / durationUs;
  }

  /** Every request, answered or not, per second: the analysis' throughput. */
  public double sentPerSecond() {
    return durationUs <= 0 ? 0 : total() * 1e6 / durationUs;
  }

  public double wallMillis() {
    return durationUs / 1000.0;
  }

  /** The form of bench.json: {@code requests} counts the responses. */
  public JsonObject toJson() {
    return new JsonObject().put("requests", answered).put("durationUs", durationUs)
        .put("requestsPerSecond", Math.round(requestsPerSecond())).put("errors", errors()).put("errorDetail", errorDetail)
        .put("latencyUs", latency.toJson());
  }

  /** The form of results.json: {@code requests} counts every request, {@code failed} those not answered under 400. */
  public JsonObject analysisJson() {
    JsonObject counts = new JsonObject();
    perReplica.forEach(counts::put);
    JsonObject statuses = new JsonObject();
    perStatus.forEach((k, v) -> statuses.put(String.valueOf(k), v));
    return new JsonObject()
        .put("requests", total()).put("ok", ok()).put("failed", errors())
        .put("perReplica", counts).put("perStatus", statuses)
        .put("wallMs", Math.round(wallMillis() * 10) / 10.0)
        .put("requestsPerSecond", Math.round(sentPerSecond()))
        .put("latencyMicros", latency.toJson());
  }
}
