package dev.lb.loadtest.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code loadtest bench}: the balancer against HAProxy, nginx and the replicas themselves, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Puts this balancer, HAProxy and nginx in front of the same 3 replicas, plus a direct-to-replica "
        + "baseline, and drives each with the same load: wrk closed-loop runs (the built-in generator without wrk) and "
        + "a fixed-rate run for latency; targets interleaved, rounds repeated, warm-up first.",
        "Writes bench.md, bench.json, bench.png and bench-cpu.png into --out. Traffic goes to 127.0.0.1 only; every "
            + "process started is stopped at the end and on Ctrl-C."})
public final class BenchCommand implements Callable<Integer> {

  /** The options, a mixin added after the experiments' inherited options are dropped (see {@link #addTo}). */
  static final class Options {
    @Option(names = "--out", defaultValue = "loadtest/results/bench", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--jar", defaultValue = "verticles/target/load-balancer.jar", description = "The balancer's jar (default ${DEFAULT-VALUE}).")
    Path jar;
    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--duration-s", defaultValue = "10", description = "Seconds per measured run (default ${DEFAULT-VALUE}).")
    int durationS;
    @Option(names = "--warmup-s", defaultValue = "20", description = "Seconds of load per target before measuring; a JVM needs >15 (default ${DEFAULT-VALUE}).")
    int warmupS;
    @Option(names = "--connections", defaultValue = "64", description = "Closed-loop connections (default ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--rate", defaultValue = "10000", description = "Requests/s of the fixed-rate latency run (default ${DEFAULT-VALUE}).")
    int rate;
    @Option(names = "--startup-s", defaultValue = "30", description = "Seconds of 1-s runs on a fresh balancer, for the time to 90 %% of steady throughput (default ${DEFAULT-VALUE}).")
    int startupS;
    @Option(names = "--transfer", description = "Also a large download and upload through the balancer, HAProxy, nginx and direct.")
    boolean transfer;
    @Option(names = "--download-mib", defaultValue = "1024", description = "Download size in MiB (default ${DEFAULT-VALUE}).")
    long downloadMiB;
    @Option(names = "--upload-mib", defaultValue = "200", description = "Upload size in MiB (default ${DEFAULT-VALUE}).")
    long uploadMiB;
    @Option(names = "--generator", defaultValue = "auto", description = "auto (wrk if installed), wrk or jvm (default ${DEFAULT-VALUE}).")
    String generator;
    @Option(names = "--jvm-options", description = "The balancer's JVM options instead of those bin/load-balancer ships"
        + " (\"\": none, as a bare java -jar).")
    String jvmOptions;
    @Option(names = "--quick", description = "A functional check: 1 round, 3-s runs, 8 s of start-up, smaller transfers.")
    boolean quick;
    @Option(names = "--https", description = "Also HTTPS rounds: the balancer, HAProxy and nginx terminating TLS with one "
        + "certificate in front of the same replicas; wrk over TLS with keep-alive, then a new connection (handshake) per "
        + "request. Needs wrk and openssl; adds the warm-up and 2 runs per round for each of the 3 targets.")
    boolean https;
    @Option(names = "--before-jar", description = "Another build of the balancer (the commit before a change) as one more"
        + " target of the request rounds, \"before\", in front of the same replicas: a before/after in one run.")
    Path beforeJar;
    @Option(names = "--variant", paramLabel = "LB_SETTING=value[,...]", description = "The balancer again with these "
        + "settings (e.g. LB_TRANSPORT=epoll) as one more target of the request rounds, in front of the same replicas: "
        + "a setting against its default in one run. Repeatable.")
    List<String> variants = new ArrayList<>();
  }

  /** What runs a bench once its settings are known and checked: a {@link Bench}, or a stand-in in a test. */
  @FunctionalInterface
  public interface Runner {
    int run(BenchSettings settings, PrintWriter out);
  }

  final Options options = new Options();
  private final Runner runner;

  @Spec
  CommandSpec spec;

  BenchCommand(Runner runner) {
    this.runner = runner;
  }

  /**
   * Adds {@code bench} and {@code jmh} to {@code root}. Every subcommand inherits the experiments' options
   * ({@code --requests}, {@code --out} ...); these two have options of their own, or none, so the inherited ones are
   * dropped before their own are added.
   */
  public static void addTo(CommandLine root) {
    addTo(root, (settings, out) -> new Bench(settings, out).run());
  }

  /** {@link #addTo(CommandLine)} with {@code runner} in place of a real run. */
  public static void addTo(CommandLine root, Runner runner) {
    BenchCommand bench = new BenchCommand(runner);
    CommandLine benchLine = new CommandLine(bench);
    CommandLine jmhLine = new CommandLine(new JmhCommand());
    for (CommandLine sub : List.of(benchLine, jmhLine)) {
      root.addSubcommand(sub);
      CommandSpec spec = sub.getCommandSpec();
      spec.options().stream().filter(OptionSpec::inherited).toList().forEach(spec::remove);
    }
    benchLine.getCommandSpec().addMixin("bench", CommandSpec.forAnnotatedObject(bench.options));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    BenchSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    if (!Files.isRegularFile(settings.jar())) {
      err.println("no balancer jar at " + settings.jar()
          + ": build it first (mvn -B -q package -DskipTests) and run from the repository root, or give --jar");
      return 2;
    }
    if (settings.beforeJar().isPresent() && !Files.isRegularFile(settings.beforeJar().get())) {
      err.println("no jar at --before-jar " + settings.beforeJar().get());
      return 2;
    }
    if (!List.of("auto", "wrk", "jvm").contains(settings.generator())) {
      err.println("--generator must be auto, wrk or jvm");
      return 2;
    }
    return runner.run(settings, spec.commandLine().getOut());
  }

  /**
   * The settings the options give, {@code --quick}'s shortening applied; the command line is kept for the report.
   *
   * @throws IllegalArgumentException for a {@code --variant} that is not {@code LB_SETTING=value[,...]}
   */
  BenchSettings settings() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    BenchSettings settings = new BenchSettings(options.out, options.jar, options.rounds, options.durationS,
        options.warmupS, options.connections, options.threads, options.rate, options.startupS, options.transfer,
        options.downloadMiB, options.uploadMiB, options.generator, Optional.ofNullable(options.jvmOptions),
        "loadtest " + String.join(" ", args), options.https, Optional.ofNullable(options.beforeJar),
        options.variants.stream().map(Variant::parse).toList());
    return options.quick ? settings.quick() : settings;
  }
}
