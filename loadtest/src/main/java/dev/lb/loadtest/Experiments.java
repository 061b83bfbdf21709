package dev.lb.loadtest;

import dev.lb.loadtest.load.LoadGenerator;
import dev.lb.loadtest.load.Plan;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Launch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** and remap: batches of {@code /home} requests against balancers of each configuration. */
final class Experiments {

  static final int MAX_N = 6;

  private final LoadTest.Options options;
  private final LoadGenerator generator;
  private final WebClient admin;
  private final PrintWriter out;

  Experiments(LoadTest.Options options, LoadGenerator generator, WebClient admin, PrintWriter out) {
    this.options = options;
    this.generator = generator;
    this.admin = admin;
    this.out = out;
  }

  /** A balancer of {@code env} (plus the backend chosen), or the {@code --target} one. */
  Balancer open(String label, Map<String, String> env) {
    if (options.target != null) {
      return Balancer.at(options.target, admin);
    }
    Map<String, String> all = new HashMap<>(env);
    all.put("LB_BACKEND", options.backend);
    all.put("LB_DOCKER_OWNER", "loadtest");
    return Balancer.start(Launch.of(options.jar, Optional.empty()), all, options.out.resolve("logs").resolve(label + ".log"), admin);
  }

  /** {@code requests} GETs of {@code /home} through {@code b}: one measurement. */
  Plan home(Balancer b, int requests, int concurrency) {
    return Plan.requests(b.endpoint(), "/home", requests, concurrency);
  }

  Run measure(Balancer b, int requests, String title) {
    return measure(home(b, requests, options.concurrency), title);
  }

  /** Runs {@code plan}, with a progress bar on a terminal (on standard error: the results go to standard output). */
  Run measure(Plan plan, String title) {
    if (!options.progress || System.console() == null) {
      return generator.run(plan).await();
    }
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName(title).setInitialMax(plan.requests())
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
      return generator.run(plan.onReply((k, replica) -> bar.step())).await();
    }
  }

  LoadGenerator generator() {
    return generator;
  }

  /** Load for {@code millis}, not measured: lets the JIT compile the hot paths of a fresh balancer. */
  void warm(Balancer b, long millis) {
    if (millis > 0) {
      generator.run(home(b, Integer.MAX_VALUE, options.concurrency).lasting(millis)).await();
    }
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> all = new HashMap<>(env);
    all.put(key, value);
    return all;
  }

  /**
   * A-1 ({@code requests} on N = 3) and A-2 ({@code requests} for each N from 2 to 6), on one warmed balancer:
   * A-1 first; then one replica is removed and the set grows again from 2 through {@code /add}, which gives each
   * newcomer the lowest free ring id, so every N has the ring it would have had from a fresh start.
   */
  JsonObject balance(Config config) {
    try (Balancer b = open("balance-" + config.name(), with(config.env(), "LB_REPLICAS", "3"))) {
      warm(b, options.warmupMs);
      JsonObject a1 = a1(b, config);
      if (options.target == null) {
        b.remove(1, List.of(b.replicas().get(b.replicas().size() - 1)));
      }
      return new JsonObject().put("a1", a1).put("a2", a2(b, config));
    }
  }

  private JsonObject a1(Balancer b, Config config) {
    Run run = measure(b, options.requests, "A-1 " + config.name());
    List<String> replicas = b.replicas();
    Stats stats = Stats.of(run.perReplica(), replicas);
    out.printf("A-1 %-16s %d requests in %.0f ms (%.0f/s), p50 %d us, p99 %d us, max/mean %.3f, failed %d%n",
        config.name(), run.total(), run.wallMillis(), run.sentPerSecond(), run.latency().p50(), run.latency().p99(),
        stats.maxOverMean(), run.errors());
    out.flush();
    return new JsonObject().put("config", config.name()).put("description", config.description())
        .put("run", run.analysisJson()).put("stats", stats.toJson());
  }

  private JsonObject a2(Balancer b, Config config) {
    int start = b.replicas().size();
    JsonArray rows = new JsonArray();
    for (int n = start; n <= MAX_N; n++) {
      if (b.replicas().size() < n) {
        b.add(1, List.of());
      }
      Run run = measure(b, options.requests, "A-2 " + config.name() + " N=" + n);
      Stats stats = Stats.of(run.perReplica(), b.replicas());
      rows.add(stats.toJson().put("failed", run.errors()).put("requestsPerSecond", Math.round(run.sentPerSecond())));
    }
    if (options.target != null && b.replicas().size() > start) {
      b.remove(b.replicas().size() - start, List.of());
    }
    out.printf("A-2 %-16s max/mean by N: %s%n", config.name(),
        rows.stream().map(r -> ((JsonObject) r).getInteger("N") + ":" + ((JsonObject) r).getDouble("maxOverMean")).toList());
    out.flush();
    return new JsonObject().put("config", config.name()).put("description", config.description()).put("rows", rows);
  }

  /** remap: the share of a fixed set of keys that moves when a replica is added, then when one is removed. */
  JsonObject remap(Config config) {
    int start = 4;
    try (Balancer b = open("remap-" + config.name(), with(with(config.env(), "LB_REPLICAS", String.valueOf(start)),
        "LB_KEY", "header:X-Key"))) {
      String[] before = owners(b, config, "before");
      b.add(1, List.of());
      String[] added = owners(b, config, "added");
      b.remove(1, List.of("Server 2"));
      String[] removed = owners(b, config, "removed");
      JsonObject add = movement(before, added, 1.0 / (start + 1), start, start + 1);
      JsonObject remove = movement(added, removed, 1.0 / (start + 1), start + 1, start);
      out.printf("remap %-14s add: %.3f moved (ideal %.3f), remove: %.3f moved (ideal %.3f)%n", config.name(),
          add.getDouble("moved"), add.getDouble("ideal"), remove.getDouble("moved"), remove.getDouble("ideal"));
      out.flush();
      return new JsonObject().put("config", config.name()).put("description", config.description())
          .put("keys", options.requests).put("add", add).put("remove", remove);
    }
  }

  private String[] owners(Balancer b, Config config, String phase) {
    String[] owners = new String[options.requests];
    Plan plan = home(b, options.requests, options.concurrency).withKeys("X-Key", k -> "user-" + k)
        .onReply((k, replica) -> owners[k] = replica);
    Run run = measure(plan, "remap " + config.name() + " " + phase);
    if (run.errors() > 0) {
      throw new IllegalStateException(run.errors() + " requests failed while mapping keys");
    }
    return owners;
  }

  private static JsonObject movement(String[] from, String[] to, double ideal, int fromN, int toN) {
    int moved = 0;
    for (int k = 0; k < from.length; k++) {
      if (!from[k].equals(to[k])) {
        moved++;
      }
    }
    double share = moved / (double) from.length;
    return new JsonObject().put("fromN", fromN).put("toN", toN).put("moved", Stats.round3(share))
        .put("ideal", Stats.round3(ideal)).put("ratio", Stats.round3(share / ideal));
  }
}
