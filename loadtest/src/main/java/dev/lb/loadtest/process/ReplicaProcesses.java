package dev.lb.loadtest.process;

import dev.lb.loadtest.load.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-backend replicas of a balancer this tool started, found in its process tree: the descendants whose
 * command line holds {@code --port N} (and maybe {@code --host H}), as the built-in replica's and the blob server's do.
 * The bench drives them directly and counts their CPU apart from the balancer's.
 */
public final class ReplicaProcesses {

  private ReplicaProcesses() {}

  /**
   * Waits up to {@code timeoutMs} until {@code wanted} replicas of {@code balancer} are in its process tree and accept
   * connections; each is tracked from then on, so that none outlives the tool.
   */
  static List<Endpoint> await(Process balancer, int wanted, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    AtomicReference<List<Endpoint>> found = new AtomicReference<>(List.of());
    boolean all = Wait.until(() -> {
      found.set(balancer.descendants().map(ReplicaProcesses::replicaOf).flatMap(Optional::stream).toList());
      return found.get().size() >= wanted;
    }, timeoutMs, 100);
    if (!all) {
      throw new IllegalStateException("found " + found.get().size() + " of " + wanted + " replicas in the balancer's process tree");
    }
    List<Endpoint> replicas = found.get().subList(0, wanted);
    replicas.forEach(r -> Loopback.awaitListening(r, null, Math.max(1, deadline - System.currentTimeMillis())));
    replicas.forEach(r -> ProcessHandle.of(r.pid()).ifPresent(Children::adopt));
    return replicas;
  }

  /** The address a replica process listens on, from its arguments; empty for any other process. */
  static Optional<Endpoint> replicaOf(ProcessHandle handle) {
    return handle.info().arguments().flatMap(args -> replicaOf(List.of(args), handle.pid()));
  }

  /** The {@code --port N} (and {@code --host H}, default 127.0.0.1) of a command line. */
  public static Optional<Endpoint> replicaOf(List<String> args, long pid) {
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
}
