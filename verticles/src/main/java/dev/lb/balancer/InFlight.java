package dev.lb.balancer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests in flight to each replica, by name, on one balancer instance, and the wait until none is left on replicas
 * that left routing (a drain: they are stopped only then). Plain Java, confined to the balancer's event loop.
 */
final class InFlight {

  private final Map<String, int[]> counts = new HashMap<>();
  private final Map<String, List<Promise<Void>>> waiting = new HashMap<>();

  void started(String replica) {
    counts.computeIfAbsent(replica, n -> new int[1])[0]++;
  }

  void finished(String replica) {
    int[] count = counts.get(replica);
    if (count == null || --count[0] > 0) {
      return;
    }
    List<Promise<Void>> waiters = waiting.remove(replica);
    if (waiters != null) {
      waiters.forEach(Promise::tryComplete);
    }
  }

  int count(String replica) {
    int[] count = counts.get(replica);
    return count == null ? 0 : count[0];
  }

  /**
   * Completes once no request to any of {@code replicas} is in flight here: at once if none is. Call it after they
   * left routing, so that their counts only fall.
   */
  Future<Void> idle(Collection<String> replicas) {
    List<Future<Void>> waits = new ArrayList<>();
    for (String replica : replicas) {
      if (count(replica) > 0) {
        Promise<Void> done = Promise.promise();
        waiting.computeIfAbsent(replica, r -> new ArrayList<>()).add(done);
        waits.add(done.future());
      }
    }
    return waits.isEmpty() ? Future.succeededFuture() : Future.all(waits).mapEmpty();
  }

  /** These replicas left routing: the counts of those with nothing in flight are forgotten. */
  void left(Set<String> replicas) {
    replicas.stream().filter(r -> count(r) == 0).forEach(counts::remove);
  }
}
