package dev.lb.loadtest.bench;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.process.ProcStat;
import dev.lb.loadtest.process.RssSampler;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * A proxy under test: the balancer or a reference proxy, or, as the baseline, a replica driven directly. Its own
 * processes are those whose CPU time and memory count as its cost (none for the direct baseline); the replicas' are
 * counted apart.
 */
final class Target {

  /** How closed-loop load is made: wrk, or this JVM when wrk is missing. */
  @FunctionalInterface
  interface ClosedLoop {
    Run run(Endpoint target, int seconds);
  }

  final String name;
  final Endpoint endpoint;
  final String skipped;
  private final Supplier<List<Long>> processes;
  private final List<Long> replicas;

  private Target(String name, Endpoint endpoint, Supplier<List<Long>> processes, List<Long> replicas, String skipped) {
    this.name = name;
    this.endpoint = endpoint;
    this.processes = processes;
    this.replicas = replicas;
    this.skipped = skipped;
  }

  static Target of(String name, Endpoint endpoint, Supplier<List<Long>> processes, List<Endpoint> replicas) {
    return new Target(name, endpoint, processes, replicas.stream().map(Endpoint::pid).toList(), null);
  }

  static Target skipped(String name, String why) {
    return new Target(name, null, List::of, List.of(), why);
  }

  boolean active() {
    return skipped == null;
  }

  /** Whether it has processes of its own (a proxy) rather than being the direct baseline. */
  boolean isProxy() {
    return !processes.get().isEmpty();
  }

  /** Starts sampling the resident memory of its own processes (a proxy's). */
  RssSampler sampleMemory() {
    return RssSampler.start(processes);
  }

  /**
   * One closed-loop run, with the CPU time the target's processes and the replicas spent on it per request, and the
   * target's resident memory at the end.
   */
  JsonObject closedLoop(ClosedLoop load, int seconds, long ticksPerSecond) {
    List<Long> own = processes.get();
    long ownBefore = ProcStat.cpuTicks(own);
    long replicasBefore = ProcStat.cpuTicks(replicas);
    Run result = load.run(endpoint, seconds);
    List<Long> ownAfterPids = processes.get();
    long ownTicks = ProcStat.cpuTicks(ownAfterPids) - ownBefore;
    long replicaTicks = ProcStat.cpuTicks(replicas) - replicasBefore;
    JsonObject json = result.toJson()
        .put("replicaCpuUsPerRequest", perRequest(replicaTicks, result.answered(), ticksPerSecond));
    if (!own.isEmpty()) {
      json.put("cpuUsPerRequest", perRequest(ownTicks, result.answered(), ticksPerSecond))
          .put("rssMiB", Math.round(ProcStat.rssKb(ownAfterPids) / 1024.0 * 10) / 10.0)
          .put("processes", ownAfterPids.size());
    }
    return json;
  }

  private static Double perRequest(long ticks, long requests, long ticksPerSecond) {
    if (requests == 0) {
      return null;
    }
    return Math.round(ticks * 1e6 / ticksPerSecond / requests * 100) / 100.0;
  }
}
