package dev.lb.loadtest.bench;

import dev.lb.loadtest.process.Balancer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How soon a fresh balancer is fast: from the launch of its JVM to serving (with every replica listening), then
 * back-to-back 1-second closed-loop runs; steady is the median of the last 5 seconds, and the time to 90 % is the
 * first second at or above 90 % of it.
 */
final class Startup {

  static final int STEADY_SECONDS = 5;
  static final double SHARE = 0.9;

  private final BenchSettings settings;
  private final Target.ClosedLoop closedLoop;
  private final WebClient client;
  private final Path logs;
  private final Consumer<String> say;

  Startup(BenchSettings settings, Target.ClosedLoop closedLoop, WebClient client, Path logs, Consumer<String> say) {
    this.settings = settings;
    this.say = say;
    this.closedLoop = closedLoop;
    this.client = client;
    this.logs = logs;
  }

  JsonObject measure() {
    Balancer balancer = Balancer.startWithReplicas(settings.launch(), Map.of(), logs.resolve("balancer-startup.log"),
        client, Bench.REPLICAS);
    try {
      List<Double> perSecond = new ArrayList<>();
      for (int s = 0; s < settings.startupS(); s++) {
        perSecond.add((double) Math.round(closedLoop.run(balancer.endpoint(), 1).requestsPerSecond()));
      }
      JsonObject result = evaluate(balancer.startedMs(), perSecond);
      say.accept(String.format("start-up: serving after %,d ms; req/s by second %s; 90 %% of steady %s",
          balancer.startedMs(), perSecond.stream().map(Math::round).toList(),
          result.containsKey("secondsFromLaunchTo90") ? result.getDouble("secondsFromLaunchTo90") + " s after launch" : "not reached"));
      return result;
    } finally {
      balancer.close();
    }
  }

  /** The figures of a series of requests/s, one a second from the first second of load. */
  static JsonObject evaluate(long readyMs, List<Double> perSecond) {
    List<Double> tail = perSecond.subList(Math.max(0, perSecond.size() - STEADY_SECONDS), perSecond.size());
    double steady = Summary.median(tail);
    int first = -1;
    for (int k = 0; k < perSecond.size() && first < 0; k++) {
      if (perSecond.get(k) >= SHARE * steady) {
        first = k + 1;
      }
    }
    JsonObject json = new JsonObject().put("readyMs", readyMs).put("requestsPerSecond", new JsonArray(perSecond))
        .put("steadyRequestsPerSecond", Math.round(steady));
    if (first > 0) {
      json.put("secondsOfLoadTo90", first).put("secondsFromLaunchTo90", Math.round(readyMs / 100.0) / 10.0 + first);
    }
    return json;
  }
}
