package dev.lb.loadtest.bench;

import dev.lb.loadtest.report.Goals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The figures of a bench run, from its per-round values: each target's medians over rounds, its ratios against HAProxy
 * and direct, and the project's targets (shown as met or missed, never asserted).
 */
final class Summary {

  private Summary() {}

  /** Adds {@code median} and {@code vs} to every driven target, and {@code goals}, to {@code results}. */
  static void complete(JsonObject results) {
    JsonArray targets = results.getJsonArray("targets", new JsonArray());
    targets.forEach(t -> medians((JsonObject) t));
    targets.forEach(t -> memory((JsonObject) t, results.getJsonObject("transfers")));
    Optional<JsonObject> haproxy = Goals.medians(targets, "haproxy");
    Optional<JsonObject> direct = Goals.medians(targets, "direct");
    for (Object o : targets) {
      JsonObject m = ((JsonObject) o).getJsonObject("median");
      if (m == null) {
        continue;
      }
      haproxy.ifPresent(h -> m.put("rpsVsHaproxy", ratio(m, h, "requestsPerSecond")));
      direct.ifPresent(d -> m.put("rpsVsDirect", ratio(m, d, "requestsPerSecond"))
          .put("fixedP99AddedOverDirectUs", m.getLong("fixedP99Us") - d.getLong("fixedP99Us")));
    }
    results.put("goals", Goals.bench(results));
  }

  private static void medians(JsonObject target) {
    JsonArray rounds = target.getJsonArray("rounds", new JsonArray());
    if (rounds.isEmpty()) {
      return;
    }
    JsonObject m = new JsonObject()
        .put("requestsPerSecond", Math.round(median(rounds, r -> closed(r).getDouble("requestsPerSecond"))))
        .put("p50Us", Math.round(median(rounds, r -> latency(closed(r), "p50"))))
        .put("p99Us", Math.round(median(rounds, r -> latency(closed(r), "p99"))))
        .put("p999Us", Math.round(median(rounds, r -> latency(closed(r), "p999"))))
        .put("errors", rounds.stream().mapToLong(r -> closed((JsonObject) r).getLong("errors")).sum())
        .put("replicaCpuUsPerRequest", median(rounds, r -> closed(r).getDouble("replicaCpuUsPerRequest")))
        .put("fixedP50Us", Math.round(median(rounds, r -> latency(fixed(r), "p50"))))
        .put("fixedP99Us", Math.round(median(rounds, r -> latency(fixed(r), "p99"))))
        .put("fixedP999Us", Math.round(median(rounds, r -> latency(fixed(r), "p999"))))
        .put("fixedErrors", rounds.stream().mapToLong(r -> fixed((JsonObject) r).getLong("errors")).sum());
    if (closed(rounds.getJsonObject(0)).containsKey("cpuUsPerRequest")) {
      m.put("cpuUsPerRequest", median(rounds, r -> closed(r).getDouble("cpuUsPerRequest")))
          .put("rssMiB", median(rounds, r -> closed(r).getDouble("rssMiB")));
    }
    target.put("median", m);
  }

  /**
   * A proxy's memory beside its medians: at rest and at its peak under the request load, and its peak and growth
   * during the large transfers (the larger of the download's and the upload's), if they were measured.
   */
  private static void memory(JsonObject target, JsonObject transfers) {
    JsonObject m = target.getJsonObject("median");
    JsonObject memory = target.getJsonObject("memory");
    if (m == null || memory == null) {
      return;
    }
    m.put("rssRestMiB", memory.getDouble("restMiB")).put("rssPeakLoadMiB", memory.getDouble("peakLoadMiB"));
    if (transfers != null && transfers.getValue(target.getString("name")) instanceof JsonObject t) {
      List<JsonObject> rss = new ArrayList<>();
      for (String kind : List.of("download", "upload")) {
        JsonObject r = t.getJsonObject(kind, new JsonObject()).getJsonObject("rss");
        if (r != null) {
          rss.add(r);
        }
      }
      if (!rss.isEmpty()) {
        m.put("rssPeakTransfersMiB", rss.stream().mapToDouble(r -> r.getDouble("peakMiB")).max().getAsDouble())
            .put("rssGrowthTransfersMiB", rss.stream().mapToDouble(r -> r.getDouble("growthMiB")).max().getAsDouble());
      }
    }
  }

  private static JsonObject closed(JsonObject round) {
    return round.getJsonObject("closed");
  }

  private static JsonObject fixed(JsonObject round) {
    return round.getJsonObject("fixedRate");
  }

  private static double latency(JsonObject load, String percentile) {
    return load.getJsonObject("latencyUs").getDouble(percentile);
  }

  private static Double ratio(JsonObject a, JsonObject b, String field) {
    double over = b.getDouble(field);
    return over == 0 ? null : Math.round(a.getDouble(field) / over * 100) / 100.0;
  }

  private static double median(JsonArray rounds, Function<JsonObject, Double> value) {
    List<Double> values = new ArrayList<>();
    rounds.forEach(r -> {
      Double v = value.apply((JsonObject) r);
      if (v != null) {
        values.add(v);
      }
    });
    return median(values);
  }

  /** The median (the mean of the middle two of an even count); 0 for none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
