package dev.lb.replica;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;

/**
 * Starts and stops replicas of one kind (child processes, containers, in-JVM verticles). Called only from the
 * replica manager's event loop; every blocking step runs off it.
 */
public interface ReplicaBackend {

  /** Replicas of this backend left running by an earlier balancer, now taken over; none for most backends. */
  default Future<List<Replica>> adopt() {
    return Future.succeededFuture(List.of());
  }

  /** Starts a replica and completes once it answers {@code /heartbeat}. */
  Future<Replica> start(String name, int ringId);

  /** Stops a replica and completes once it is gone. */
  Future<Void> stop(Replica replica);

  /** Ends a replica already announced down, without a grace period: a hung one would only make it wait. */
  default Future<Void> kill(Replica replica) {
    return stop(replica);
  }

  /** {@code handler} is called on the manager's event loop when a replica exits without being stopped. */
  void exitHandler(Handler<Replica> handler);

  /** Stops every replica this backend started or adopted. */
  Future<Void> close();
}
