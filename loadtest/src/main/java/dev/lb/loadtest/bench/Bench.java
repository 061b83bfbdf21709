package dev.lb.loadtest.bench;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.load.LoadGenerator;
import dev.lb.loadtest.load.Plan;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.load.Wrk;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Children;
import dev.lb.loadtest.process.Launch;
import dev.lb.loadtest.process.ProcStat;
import dev.lb.loadtest.process.RssSampler;
import dev.lb.loadtest.process.Tools;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One bench run: the targets set up in front of the same replicas, warmed up, then driven in interleaved rounds
 * (closed loop, then fixed rate), then a fresh balancer's start-up and, if asked, the large transfers; the results
 * written as JSON, Markdown and charts. Runs on the calling thread; Vert.x only carries the JVM generator's load.
 */
final class Bench {

  private static final System.Logger LOG = System.getLogger(Bench.class.getName());
  static final int REPLICAS = 3;

  private final BenchSettings settings;
  private final PrintWriter out;
  private final Path logs;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private OtlpSink sink;
  private final WebClient client = WebClient.create(vertx);
  private final LoadGenerator generator;
  private final Target.ClosedLoop closedLoop;
  /** What makes the closed-loop load, as the report names it. */
  private final String loadName;
  private final long ticksPerSecond = ProcStat.clockTicksPerSecond();

  Bench(BenchSettings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
    this.logs = settings.out().resolve("logs");
    this.generator = new LoadGenerator(vertx, settings.connections());
    Optional<Path> wrk = settings.generator().equals("jvm") ? Optional.empty() : Tools.find("wrk");
    if (settings.generator().equals("wrk") && wrk.isEmpty()) {
      throw new IllegalStateException("--generator wrk, but wrk is not installed");
    }
    createDirectories(logs);
    if (wrk.isPresent()) {
      Wrk w = new Wrk(wrk.get(), settings.out(), settings.threads(), settings.connections());
      closedLoop = w::run;
      loadName = "wrk -t" + settings.threads() + " -c" + settings.connections();
    } else {
      closedLoop = (target, seconds) -> generator.run(Plan.closedLoop(target, settings.connections(), seconds * 1000L)).await();
      loadName = "JVM generator, " + settings.connections() + " connections"
          + (settings.generator().equals("jvm") ? "" : " (wrk not installed)");
    }
  }

  int run() {
    say("balancer: " + settings.launch().describe());
    JsonObject results = new JsonObject().put("command", settings.commandLine()).put("date", Instant.now().toString())
        .put("machine", Machine.describe()).put("settings", settings.toJson()).put("generator", loadName);
    try {
      results.put("targets", compare());
      say("start-up: a fresh balancer, " + settings.startupS() + " s of 1-s runs");
      results.put("startup", attempt("start-up", () -> new Startup(settings, closedLoop, client, logs, this::say).measure()));
      if (settings.transfer()) {
        say("transfers: " + settings.downloadMiB() + " MiB down, " + settings.uploadMiB() + " MiB up");
        results.put("transfers", attempt("transfers", () -> new Transfers(settings, client, logs, this::say).run()));
      }
      if (settings.https()) {
        say("HTTPS: the balancer, HAProxy and nginx terminating TLS in front of the same replicas");
        results.put("https", attempt("HTTPS rounds", () -> new HttpsRounds(settings, client, this::say).run()));
      }
      Summary.complete(results);
      write(results);
      out.print(BenchReport.table(results));
      if (results.getValue("https") instanceof JsonObject https && https.containsKey("targets")) {
        out.println("HTTPS:");
        out.print(BenchReport.table(HttpsRounds.HEADER, HttpsRounds.rows(https)));
      }
      out.println("wrote " + settings.out().resolve("bench.md") + ", bench.json, bench.png, bench-cpu.png, bench-startup.png");
      out.flush();
      return 0;
    } finally {
      Children.stopAll();
      generator.close();
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        LOG.log(System.Logger.Level.WARNING, "Vert.x did not close within 10 s");
      }
    }
  }

  /** The balancer, HAProxy, nginx and a replica directly, warmed up and then driven round after round. */
  private JsonArray compare() {
    Balancer balancer = Balancer.startWithReplicas(settings.launch(), Map.of(), logs.resolve("balancer.log"), client, REPLICAS);
    List<Proxies.Started> proxies = new ArrayList<>();
    List<Balancer> started = new ArrayList<>();
    try {
      List<Endpoint> replicas = balancer.replicaEndpoints();
      List<Target> targets = new ArrayList<>();
      targets.add(Target.of("balancer", balancer.endpoint(), () -> List.of(balancer.endpoint().pid()), replicas));
      settings.beforeJar().ifPresent(jar -> targets.add(
          other("before", Launch.of(jar, settings.jvmOptions()), Map.of(), replicas, started)));
      settings.variants().forEach(v -> targets.add(other(v.name(), settings.launch(), v.env(), replicas, started)));
      targets.add(proxy("haproxy", replicas, proxies));
      targets.add(proxy("nginx", replicas, proxies));
      targets.add(Target.of("direct", replicas.get(0), List::of, replicas));
      say("targets: " + targets.stream().map(t -> t.name + (t.active() ? " " + t.endpoint.url() : " (" + t.skipped + ")")).toList()
          + "; replicas " + replicas.stream().map(Endpoint::address).toList() + "; load: " + loadName);
      JsonArray rounds = drive(targets);
      if (sink != null) {
        say("the traced variants' collector took " + sink.received());
      }
      return rounds;
    } finally {
      proxies.forEach(Proxies.Started::stop);
      started.forEach(Balancer::close);
      balancer.close();
    }
  }

  /**
   * Another balancer (the --before-jar build, or a --variant's settings) on the same replicas through its static
   * backend: it starts none of its own.
   */
  private Target other(String name, Launch launch, Map<String, String> settingsEnv, List<Endpoint> replicas,
      List<Balancer> started) {
    Map<String, String> env = new LinkedHashMap<>(settingsEnv);
    env.replaceAll((key, value) -> value.equals(OtlpSink.VALUE) ? sink().endpoint() : value);
    env.put("LB_BACKEND", "static");
    env.put("LB_REPLICA_ADDRESSES", String.join(",", replicas.stream().map(Endpoint::address).toList()));
    try {
      Balancer other = Balancer.start(launch, env, logs.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".log"), client);
      started.add(other);
      return Target.of(name, other.endpoint(), () -> List.of(other.endpoint().pid()), replicas);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the " + name + " balancer did not start", e);
      return Target.skipped(name, "skipped: " + e.getMessage());
    }
  }

  /** The stand-in collector of traced variants, opened when the first asks for it. */
  private OtlpSink sink() {
    if (sink == null) {
      sink = new OtlpSink(vertx);
    }
    return sink;
  }

  private Target proxy(String name, List<Endpoint> replicas, List<Proxies.Started> started) {
    Optional<Path> exe = Tools.find(name);
    if (exe.isEmpty()) {
      return Target.skipped(name, "skipped: not installed");
    }
    try {
      Proxies.Started proxy = name.equals("haproxy") ? Proxies.haproxy(exe.get(), settings.out(), name, replicas)
          : Proxies.nginx(exe.get(), settings.out(), name, replicas);
      started.add(proxy);
      return Target.of(name, proxy.endpoint(), proxy::pids, replicas);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, name + " did not start", e);
      return Target.skipped(name, "skipped: " + e.getMessage());
    }
  }

  /**
   * Every target warmed up, then the rounds; each proxy's resident memory sampled throughout, from at rest (just
   * started, before any load) to its peak under the request load.
   */
  private JsonArray drive(List<Target> targets) {
    List<Target> active = targets.stream().filter(Target::active).toList();
    JsonArray json = new JsonArray();
    targets.forEach(t -> json.add(new JsonObject().put("name", t.name).put("status", t.active() ? "ok" : t.skipped)
        .put("url", t.active() ? t.endpoint.url() : null).put("rounds", new JsonArray())));
    Map<Target, RssSampler> memory = new LinkedHashMap<>();
    active.stream().filter(Target::isProxy).forEach(t -> memory.put(t, t.sampleMemory()));
    for (Target t : active) {
      // the fixed-rate generator is a JVM too: it is warmed up as well, or the first target measured would pay for it
      say("warm-up: " + t.name + " for " + settings.warmupS() + " s, then " + settings.durationS() + " s at the fixed rate");
      entry(json, t).put("warmup", closedLoop.run(t.endpoint, settings.warmupS()).toJson())
          .put("warmupFixedRate", fixedRate(t).toJson());
    }
    for (int round = 1; round <= settings.rounds(); round++) {
      round(round, active, json);
    }
    memory.forEach((t, sampler) -> {
      JsonObject rss = sampler.stop();
      entry(json, t).put("memory", new JsonObject().put("restMiB", rss.getDouble("startMiB"))
          .put("peakLoadMiB", rss.getDouble("peakMiB")));
      say(t.name + " RSS: " + rss.getDouble("startMiB") + " MiB at rest, " + rss.getDouble("peakMiB")
          + " MiB at most under the request load");
    });
    return json;
  }

  /** One round: every target closed-loop, then every target at the fixed rate, in the same order. */
  private void round(int round, List<Target> active, JsonArray json) {
    for (Target t : active) {
      JsonObject closed = t.closedLoop(closedLoop, settings.durationS(), ticksPerSecond);
      say(String.format("round %d, %s: %,d req/s, p99 %d us", round, t.name, closed.getLong("requestsPerSecond"),
          closed.getJsonObject("latencyUs").getLong("p99")));
      entry(json, t).getJsonArray("rounds").add(new JsonObject().put("round", round).put("closed", closed));
    }
    for (Target t : active) {
      Run fixed = fixedRate(t);
      say(String.format("round %d, %s at %,d req/s: p99 %d us, %d errors%s", round, t.name, settings.rate(),
          fixed.latency().p99(), fixed.errors(), slowest(fixed)));
      JsonArray rounds = entry(json, t).getJsonArray("rounds");
      rounds.getJsonObject(rounds.size() - 1).put("fixedRate", fixed.toJson()
          .put("timeline", fixed.timeline() == null ? null : fixed.timeline().toJson()));
    }
  }

  /** Where in the run its slowest reply came, e.g. ", slowest 56 ms at 0.3 s": a stall, and when. */
  private static String slowest(Run run) {
    if (run.timeline() == null || run.timeline().maxUs().length == 0) {
      return "";
    }
    long[] max = run.timeline().maxUs();
    int worst = 0;
    for (int k = 1; k < max.length; k++) {
      worst = max[k] > max[worst] ? k : worst;
    }
    return String.format(", slowest %.1f ms at %.1f s", max[worst] / 1000.0, worst * run.timeline().bucketMs() / 1000.0);
  }

  /** A later part's results, or its failure as a result: the comparison already measured is kept either way. */
  private JsonObject attempt(String part, Supplier<JsonObject> measure) {
    try {
      return measure.get();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, part + " failed", e);
      say(part + " failed: " + e.getMessage());
      return new JsonObject().put("error", String.valueOf(e.getMessage()));
    }
  }

  private Run fixedRate(Target t) {
    return generator.run(Plan.fixedRate(t.endpoint, settings.rate(), settings.durationS() * 1000L, settings.connections()))
        .await();
  }

  private static JsonObject entry(JsonArray json, Target t) {
    return json.stream().map(JsonObject.class::cast).filter(o -> o.getString("name").equals(t.name)).findFirst().orElseThrow();
  }

  private void write(JsonObject results) {
    try {
      Files.writeString(settings.out().resolve("bench.json"), results.encodePrettily());
      Files.writeString(settings.out().resolve("bench.md"), BenchReport.markdown(results));
      BenchCharts.write(settings.out(), results);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results", e);
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
