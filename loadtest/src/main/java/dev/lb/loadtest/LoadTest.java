package dev.lb.loadtest;

import dev.lb.loadtest.bench.BenchCommand;
import dev.lb.loadtest.load.LoadGenerator;
import dev.lb.loadtest.report.Goals;
import dev.lb.loadtest.traffic.TrafficCommand;
import dev.lb.ring.HashFamilies;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The load test and analysis of SPEC §6: {@code a1}, {@code a2}, {@code a3}, {@code a4}, {@code remap}, {@code all}. */
@Command(name = "loadtest", mixinStandardHelpOptions = true, version = "loadtest 1.0.0",
    description = "Drives load balancers with async requests and writes charts, REPORT.md and results.json.%n"
        + "By default each experiment starts the balancers it needs (java -jar --jar ...) and stops them again.")
public final class LoadTest implements Callable<Integer> {

  /** Settings shared by every experiment. */
  static final class Options {
    @Option(names = "--requests", defaultValue = "10000", scope = ScopeType.INHERIT, description = "Requests per measurement (default ${DEFAULT-VALUE}).")
    int requests;
    @Option(names = "--concurrency", defaultValue = "64", scope = ScopeType.INHERIT, description = "Requests in flight (default ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--warmup-ms", defaultValue = "15000", scope = ScopeType.INHERIT,
        description = "Load sent to a fresh balancer before measuring, in ms: JIT compilation takes seconds (default ${DEFAULT-VALUE}).")
    long warmupMs;
    @Option(names = "--out", defaultValue = "loadtest/results", scope = ScopeType.INHERIT, description = "Where results go (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--target", scope = ScopeType.INHERIT, description = "A balancer already running, e.g. http://127.0.0.1:5000 (a1, a2, a3's endpoint checks).")
    String target;
    @Option(names = "--backend", defaultValue = "process", scope = ScopeType.INHERIT, description = "Replica backend of the balancers started: process or docker.")
    String backend;
    @Option(names = "--jar", defaultValue = "verticles/target/load-balancer.jar", scope = ScopeType.INHERIT, description = "The balancer's jar (default ${DEFAULT-VALUE}).")
    Path jar;
    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true", scope = ScopeType.INHERIT, description = "Progress bars on a terminal (default on).")
    boolean progress;
  }

  @CommandLine.Mixin
  Options options = new Options();

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(commandLine(cli -> {
      BenchCommand.addTo(cli);
      TrafficCommand.addTo(cli);
    }).execute(args));
  }

  /** The whole command line: the experiments, {@code report} and {@code all}, and what {@code extras} adds (bench, jmh). */
  public static CommandLine commandLine(Consumer<CommandLine> extras) {
    CommandLine cli = new CommandLine(new LoadTest());
    extras.accept(cli);
    return cli;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "a1", description = "A-1 (10,000 requests on N = 3) and A-2, which share one warmed balancer.")
  int a1() {
    return execute(List.of("a1"));
  }

  @Command(name = "a2", description = "A-2 (N = 2..6 grown through /add, 10,000 requests each) and A-1, on one balancer.")
  int a2() {
    return execute(List.of("a2"));
  }

  @Command(name = "a3", description = "A-3: every endpoint checked; a replica killed and one hung under load.")
  int a3() {
    return execute(List.of("a3"));
  }

  @Command(name = "a4", description = "A-4: A-1 and A-2 for each hash family and ring algorithm; the assignment's skew explained.")
  int a4() {
    return execute(List.of("a4"));
  }

  @Command(name = "remap", description = "Share of fixed keys that move when a replica is added or removed, against the ideal.")
  int remap() {
    return execute(List.of("remap"));
  }

  @Command(name = "report", description = "Writes REPORT.md and the charts again from the results.json in --out, measuring nothing.")
  int report() throws IOException {
    Path resultsFile = options.out.resolve("results.json");
    if (!Files.exists(resultsFile)) {
      spec.commandLine().getErr().println("no " + resultsFile + ": run an experiment first");
      return 2;
    }
    List<String> charts = write(new JsonObject(Buffer.buffer(Files.readAllBytes(resultsFile))));
    spec.commandLine().getOut().println("wrote " + options.out.resolve("REPORT.md") + " and " + String.join(", ", charts));
    return 0;
  }

  @Command(name = "all", description = "a1, a2, a3, a4 and remap, then the report.")
  int all() {
    return execute(List.of("a1", "a3", "a4", "remap"));
  }

  private int execute(List<String> parts) {
    String refused = refusal(parts);
    if (refused != null) {
      spec.commandLine().getErr().println(refused);
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    Vertx vertx = Vertx.vertx();
    WebClient admin = WebClient.create(vertx);
    try {
      Experiments experiments = new Experiments(options, new LoadGenerator(vertx, options.concurrency * 2), admin, out);
      JsonObject results = previousResults().put("machine", machine()).put("settings", settings());
      for (String part : parts) {
        measure(part, experiments, results, out);
        write(results);
      }
      out.println("wrote " + options.out.resolve("REPORT.md") + " and " + options.out.resolve("results.json"));
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        spec.commandLine().getErr().println("Vert.x did not close: " + e);
      }
    }
  }

  /** Why {@code parts} cannot run as asked, or null. */
  private String refusal(List<String> parts) {
    if (options.target == null && !Files.isRegularFile(options.jar)) {
      return "no balancer jar at " + options.jar
          + ": build it first (mvn -B -q package -DskipTests) and run from the repository root, or give --jar";
    }
    if (options.target != null && (parts.contains("a4") || parts.contains("remap"))) {
      return "a4 and remap start a balancer for each configuration: --target does not apply";
    }
    return null;
  }

  /** The results.json already in --out, which a part run alone adds to; empty if there is none. */
  private JsonObject previousResults() throws IOException {
    Files.createDirectories(options.out);
    Path resultsFile = options.out.resolve("results.json");
    return Files.exists(resultsFile) ? new JsonObject(Buffer.buffer(Files.readAllBytes(resultsFile))) : new JsonObject();
  }

  /** Runs one part and puts what it measured into {@code results}. */
  private void measure(String part, Experiments experiments, JsonObject results, PrintWriter out) {
    switch (part) {
      case "a1", "a2" -> {
        JsonObject both = experiments.balance(Config.ASSIGNMENT);
        results.put("a1", both.getJsonObject("a1")).put("a2", both.getJsonObject("a2"));
      }
      case "a3" -> results.put("a3", new FailureExperiment(options, experiments, out).run());
      case "a4" -> results.put("a4", a4(experiments));
      case "remap" -> results.put("remap", remap(experiments));
      default -> throw new IllegalArgumentException(part);
    }
  }

  /** Goals evaluated, then results.json, REPORT.md and the charts written from {@code results}. */
  private List<String> write(JsonObject results) throws IOException {
    results.put("targets", Goals.analysis(results));
    Files.writeString(options.out.resolve("results.json"), results.encodePrettily());
    Report.write(options.out, results);
    return ResultCharts.draw(options.out, results);
  }

  private JsonObject a4(Experiments experiments) {
    JsonArray configs = new JsonArray();
    for (Config config : Config.ALL) {
      JsonObject both = experiments.balance(config);
      configs.add(new JsonObject().put("config", config.name()).put("description", config.description())
          .put("a1", both.getJsonObject("a1")).put("a2", both.getJsonObject("a2")));
    }
    JsonObject skew = new JsonObject();
    HashFamilies.all().forEach(f -> skew.put(f.name(), SkewAnalysis.of(f, 3)));
    return new JsonObject().put("configs", configs).put("skew", skew);
  }

  private JsonObject remap(Experiments experiments) {
    JsonArray configs = new JsonArray();
    for (Config config : Config.remapped()) {
      configs.add(experiments.remap(config));
    }
    return new JsonObject().put("configs", configs);
  }

  private static JsonObject machine() {
    return new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
        .put("date", Instant.now().toString());
  }

  private JsonObject settings() {
    return new JsonObject().put("requests", options.requests).put("concurrency", options.concurrency)
        .put("warmupMs", options.warmupMs).put("backend", options.backend)
        .put("target", options.target == null ? "balancers started by the tool" : options.target);
  }
}
