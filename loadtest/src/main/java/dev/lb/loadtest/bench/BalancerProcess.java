package dev.lb.loadtest.bench;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.Balancer;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A balancer started from its jar (through the load test's {@link Balancer}) with its process-backend replicas,
 * which are found in its process tree: the descendants whose command line holds {@code --port N} (and maybe
 * {@code --host H}).
 */
public final class BalancerProcess {

  private static final long REPLICAS_TIMEOUT_MS = 60_000;

  private final Balancer balancer;
  private final List<Endpoint> replicas;
  private final long startedMs;

  private BalancerProcess(Balancer balancer, List<Endpoint> replicas, long startedMs) {
    this.balancer = balancer;
    this.replicas = replicas;
    this.startedMs = startedMs;
  }

  /**
   * Starts {@code jar} on a free loopback port with {@code env} and waits until it serves and {@code replicas} of its
   * replicas accept connections.
   */
  public static BalancerProcess start(Path jar, Map<String, String> env, Path log, WebClient client, int replicas) {
    long began = System.nanoTime();
    Balancer balancer = Balancer.start(jar, env, log, client);
    try {
      List<Endpoint> found = awaitReplicas(balancer.process, replicas);
      found.forEach(r -> ProcessHandle.of(r.pid()).ifPresent(Children::adopt));
      return new BalancerProcess(balancer, found, (System.nanoTime() - began) / 1_000_000);
    } catch (RuntimeException e) {
      balancer.close();
      throw e;
    }
  }

  private static List<Endpoint> awaitReplicas(Process process, int wanted) {
    long deadline = System.currentTimeMillis() + REPLICAS_TIMEOUT_MS;
    List<Endpoint> found = List.of();
    while (System.currentTimeMillis() < deadline) {
      found = process.descendants().map(BalancerProcess::replicaOf).flatMap(Optional::stream).toList();
      if (found.size() >= wanted) {
        found.forEach(r -> Proxies.awaitListening(r, null, Math.max(1, deadline - System.currentTimeMillis())));
        return found.subList(0, wanted);
      }
      Balancer.pause(100);
    }
    throw new IllegalStateException("found " + found.size() + " of " + wanted + " replicas in the balancer's process tree");
  }

  /** The address a replica process listens on, from its arguments; empty for any other process. */
  static Optional<Endpoint> replicaOf(ProcessHandle handle) {
    return handle.info().arguments().flatMap(args -> replicaOf(List.of(args), handle.pid()));
  }

  /** The {@code --port N} (and {@code --host H}, default 127.0.0.1) of a command line. */
  static Optional<Endpoint> replicaOf(List<String> args, long pid) {
    String host = "127.0.0.1";
    Integer port = null;
    for (int k = 0; k + 1 < args.size(); k++) {
      switch (args.get(k)) {
        case "--port" -> port = Integer.valueOf(args.get(k + 1));
        case "--host" -> host = args.get(k + 1);
        default -> { }
      }
    }
    return port == null ? Optional.empty() : Optional.of(new Endpoint(host, port, pid));
  }

  /** Where the balancer listens; its pid is that of the balancer JVM alone, without its replicas. */
  public Endpoint endpoint() {
    return new Endpoint(balancer.host, balancer.port, balancer.process.pid());
  }

  public List<Endpoint> replicas() {
    return replicas;
  }

  /** From the launch of the JVM to serving with every replica listening. */
  public long startedMs() {
    return startedMs;
  }

  public Path log() {
    return balancer.log;
  }

  /** Stops the balancer (which stops its replicas), then any replica still running. */
  public void stop() {
    balancer.close();
    List<ProcessHandle> left = new ArrayList<>();
    replicas.forEach(r -> ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive).ifPresent(left::add));
    left.forEach(Children::stop);
  }
}
