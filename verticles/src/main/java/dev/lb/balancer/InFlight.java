package dev.lb.balancer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Requests in flight to each replica, by name, on one balancer instance; and for a replica taken out of routing while
 * requests to it are still under way, word when the last of them ends, so that it is stopped only then (a drain).
 * Plain Java, confined to the balancer's event loop.
 */
final class InFlight {

  /** Hears of replicas that left routing with requests still in flight. */
  interface Listener {
    /** {@code replica} left routing with {@code count} requests in flight here. */
    void busy(String replica, int count);

    /** The last request in flight to {@code replica}, which left routing, has ended. */
    void idle(String replica);
  }

  private final Map<String, int[]> counts = new HashMap<>();
  private final Set<String> draining = new HashSet<>();
  private final Listener listener;

  InFlight(Listener listener) {
    this.listener = listener;
  }

  void started(String replica) {
    counts.computeIfAbsent(replica, n -> new int[1])[0]++;
  }

  void finished(String replica) {
    int[] count = counts.get(replica);
    if (count == null || --count[0] > 0) {
      return;
    }
    if (draining.remove(replica)) {
      counts.remove(replica);
      listener.idle(replica);
    }
  }

  int count(String replica) {
    int[] count = counts.get(replica);
    return count == null ? 0 : count[0];
  }

  /** These replicas left routing: each with requests in flight is drained, the others forgotten. */
  void left(Set<String> replicas) {
    for (String replica : replicas) {
      int count = count(replica);
      if (count > 0) {
        draining.add(replica);
        listener.busy(replica, count);
      } else {
        counts.remove(replica);
      }
    }
  }
}
