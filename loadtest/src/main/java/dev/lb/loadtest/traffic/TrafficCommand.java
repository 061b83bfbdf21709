package dev.lb.loadtest.traffic;

import dev.lb.loadtest.load.LoadGenerator;
import dev.lb.loadtest.process.Children;
import dev.lb.loadtest.process.Launch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loadtest traffic}: the targets of traffic control, measured. Weights' shares are computed from the ring
 * classes; drain and slow start run the balancer's jar with its own replica processes; overload runs it in front of
 * stub replicas of this JVM (every one answering 503, or slow) through the {@code static} backend. Traffic goes to
 * 127.0.0.1 only, and every process started is stopped at the end.
 */
@Command(name = "traffic", mixinStandardHelpOptions = true,
    description = {"Traffic control measured: weight 2's share (Maglev and a strong ring, N = 2..6), a drain and back "
        + "under 16 clients, slow start after a replica is killed under load, and overload (a fleet answering 503; a "
        + "hot key against LB_MAX_INFLIGHT).", "Writes traffic.md and traffic.json into --out (about 2 minutes)."})
public final class TrafficCommand implements Callable<Integer> {

  /** What it measures, in order. */
  static final List<String> PARTS = List.of("weights", "drain", "slowstart", "overload");

  /** The options, added after the experiments' inherited options are dropped (see {@link #addTo}). */
  static final class Options {
    @Option(names = "--out", defaultValue = "loadtest/results/traffic", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--jar", defaultValue = "verticles/target/load-balancer.jar", description = "The balancer's jar (default ${DEFAULT-VALUE}).")
    Path jar;
    @Option(names = "--slow-start-s", defaultValue = "20", description = "LB_SLOW_START of the slow-start run, in seconds (default ${DEFAULT-VALUE}).")
    int slowStartS;
    @Option(names = "--rate", defaultValue = "2000", description = "Requests/s of the slow-start run (default ${DEFAULT-VALUE}).")
    int rate;
    @Option(names = "--only", split = ",", description = "Some of: weights, drain, slowstart, overload (default: all).")
    List<String> only = PARTS;
  }

  final Options options = new Options();

  @Spec
  CommandSpec spec;

  /** Adds {@code traffic} to {@code root}, without the experiments' inherited options. */
  public static void addTo(CommandLine root) {
    TrafficCommand traffic = new TrafficCommand();
    CommandLine line = new CommandLine(traffic);
    root.addSubcommand(line);
    CommandSpec spec = line.getCommandSpec();
    spec.options().stream().filter(OptionSpec::inherited).toList().forEach(spec::remove);
    spec.addMixin("traffic", CommandSpec.forAnnotatedObject(traffic.options));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<String> unknown = options.only.stream().filter(part -> !PARTS.contains(part)).toList();
    if (!unknown.isEmpty()) {
      spec.commandLine().getErr().println("unknown part " + unknown + " of --only; choose from " + PARTS);
      return 2;
    }
    if (!Files.isRegularFile(options.jar)) {
      spec.commandLine().getErr().println("no jar at " + options.jar + ": build it first (mvn -B -q package -DskipTests)");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx);
    JsonObject results = new JsonObject();
    try {
      Lab lab = new Lab(vertx, client, Launch.of(options.jar, Optional.empty()), options.out, out,
          new LoadGenerator(vertx, 128));
      if (options.only.contains("weights")) {
        results.put("weights", Weights.measure(out));
      }
      if (options.only.contains("drain")) {
        results.put("drain", new DrainScenario(lab).run());
      }
      if (options.only.contains("slowstart")) {
        results.put("slowStart", new SlowStartScenario(lab).run(options.slowStartS * 1000L, options.rate));
      }
      if (options.only.contains("overload")) {
        results.put("overload", new OverloadScenario(lab).run());
      }
      Files.createDirectories(options.out);
      Files.writeString(options.out.resolve("traffic.json"), results.encodePrettily());
      Files.writeString(options.out.resolve("traffic.md"), TrafficReport.markdown(results));
      out.println("wrote " + options.out.resolve("traffic.md") + " and " + options.out.resolve("traffic.json"));
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Children.stopAll();
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        spec.commandLine().getErr().println("Vert.x did not close: " + e);
      }
    }
  }
}
