package dev.lb.loadtest.bench;

import dev.lb.loadtest.process.Launch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one {@code loadtest bench} run does.
 *
 * @param out          the output folder
 * @param jar          the balancer's jar
 * @param rounds       rounds after the warm-up; every target is driven once per round, in the same order
 * @param durationS    seconds of each measured run
 * @param warmupS      seconds of load each target gets before the first round
 * @param connections  closed-loop connections (wrk -c), also the fixed-rate generator's connection cap
 * @param threads      wrk threads (-t)
 * @param rate         requests per second of the fixed-rate run
 * @param startupS     seconds of 1-second runs against a fresh balancer, for the time to 90 % of steady throughput
 * @param transfer     whether to measure the large transfers
 * @param downloadMiB  the download's size
 * @param uploadMiB    the upload's size
 * @param generator    auto (wrk when installed), wrk or jvm
 * @param jvmOptions   the balancer's JVM options instead of its start script's, if given (empty: none)
 * @param commandLine  the command line, for the report
 * @param https        whether to add the HTTPS rounds (keep-alive and new connections over TLS)
 * @param beforeJar    another build of the balancer (the commit before a change) added to the request rounds as
 *                     "before", in front of the same replicas (its static backend), for a before/after in one run
 * @param variants     the balancer again with some settings changed, each one more target of the request rounds
 */
public record BenchSettings(Path out, Path jar, int rounds, int durationS, int warmupS, int connections, int threads,
    int rate, int startupS, boolean transfer, long downloadMiB, long uploadMiB, String generator,
    Optional<String> jvmOptions, String commandLine, boolean https, Optional<Path> beforeJar,
    List<Variant> variants) {

  /** The short version for a functional check: one round, runs of a few seconds, smaller transfers. */
  public BenchSettings quick() {
    return new BenchSettings(out, jar, 1, Math.min(durationS, 3), Math.min(warmupS, 3), connections, threads, rate,
        Math.min(startupS, 8), transfer, Math.min(downloadMiB, 128), Math.min(uploadMiB, 32), generator, jvmOptions,
        commandLine, https, beforeJar, variants);
  }

  public JsonObject toJson() {
    return new JsonObject().put("rounds", rounds).put("durationS", durationS).put("warmupS", warmupS)
        .put("connections", connections).put("threads", threads).put("rate", rate).put("startupS", startupS)
        .put("transfer", transfer).put("downloadMiB", downloadMiB).put("uploadMiB", uploadMiB)
        .put("generator", generator).put("jar", jar.toString()).put("launch", launch().describe()).put("https", https)
        .put("beforeJar", beforeJar.map(Path::toString).orElse(null))
        .put("variants", new JsonArray(variants.stream().map(Variant::name).toList()));
  }

  /** How the balancer is started: through its start script, unless other JVM options are given. */
  public Launch launch() {
    return Launch.of(jar, jvmOptions);
  }
}
