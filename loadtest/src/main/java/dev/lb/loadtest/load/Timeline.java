package dev.lb.loadtest.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * Requests that succeeded and failed in each bucket of {@code bucketMs} from the start of a run, up to the last bucket
 * with any: what A-3's charts draw around a disruption.
 *
 * @param bucketMs the width of a bucket
 * @param ok       successes per bucket
 * @param failed   failures per bucket
 * @param maxUs    the longest latency of a reply that came in each bucket, in µs: where in a run a stall was
 */
public record Timeline(long bucketMs, long[] ok, long[] failed, long[] maxUs) {

  public JsonObject toJson() {
    return new JsonObject().put("bucketMs", bucketMs)
        .put("ok", new JsonArray(Arrays.stream(ok).boxed().toList()))
        .put("failed", new JsonArray(Arrays.stream(failed).boxed().toList()))
        .put("maxUs", new JsonArray(Arrays.stream(maxUs).boxed().toList()));
  }
}
