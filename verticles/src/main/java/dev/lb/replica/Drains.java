package dev.lb.replica;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manager's side of a drain: which balancer instances still have requests in flight to replicas that left
 * routing, as they report it, and the wait until none has, or the drain time is up. Balancers report within
 * {@link #SETTLE_MS} of the snapshot that took a replica out; one that says nothing by then has nothing in flight.
 */
final class Drains {

  private static final System.Logger LOG = System.getLogger(Drains.class.getName());
  /** How long after publishing a removal the manager listens for balancers still busy with the replicas. */
  static final long SETTLE_MS = 100;
  private static final long CHECK_MS = 10;

  private final Vertx vertx;
  private final Map<String, Set<String>> busy = new HashMap<>();

  Drains(Vertx vertx) {
    this.vertx = vertx;
  }

  void busy(String replica, String balancer) {
    busy.computeIfAbsent(replica, r -> new HashSet<>()).add(balancer);
  }

  void idle(String replica, String balancer) {
    Set<String> balancers = busy.get(replica);
    if (balancers != null && balancers.remove(balancer) && balancers.isEmpty()) {
      busy.remove(replica);
    }
  }

  /** Completes once no balancer has requests in flight to {@code replicas}, or after {@code maxMs}. */
  Future<Void> await(Collection<String> replicas, long maxMs) {
    List<String> names = List.copyOf(replicas);
    Promise<Void> drained = Promise.promise();
    long start = System.nanoTime();
    long timer = vertx.setPeriodic(CHECK_MS, t -> {
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      boolean quiet = names.stream().noneMatch(busy::containsKey);
      if (elapsedMs >= SETTLE_MS && quiet || elapsedMs >= Math.max(SETTLE_MS, maxMs)) {
        if (!quiet) {
          LOG.log(Level.WARNING, "drain of {0} ended after {1} ms with requests still in flight (replica.drain.ms)",
              names, maxMs);
        }
        names.forEach(busy::remove);
        drained.tryComplete();
      }
    });
    return drained.future().onComplete(ar -> vertx.cancelTimer(timer));
  }
}
