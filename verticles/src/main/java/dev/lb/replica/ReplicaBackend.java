package dev.lb.replica;

import io.vertx.core.Future;
import java.util.function.BiConsumer;
import java.util.List;
import java.util.Optional;

/**
 * Starts and stops replicas of one kind (child processes, containers, in-JVM verticles). Called only from the
 * replica manager's event loop; every blocking step runs off it.
 */
public interface ReplicaBackend {

  /**
   * Takes over replicas left running by an earlier manager: those of {@code previous} (the set it last recorded)
   * that still answer, plus any the backend can find by itself (labelled containers). None for most backends.
   */
  default Future<List<Replica>> adopt(List<Replica> previous) {
    return Future.succeededFuture(List.of());
  }

  /** Starts a replica and completes once it answers its health path. */
  Future<Replica> start(String name, int ringId);

  /** Stops a replica (asked first, forced after a grace period) and completes once it is gone. */
  Future<Void> stop(Replica replica);

  /** Ends a replica already announced down, without a grace period: a hung one would only make it wait. */
  default Future<Void> kill(Replica replica) {
    return stop(replica);
  }

  /**
   * {@code handler} is called on the manager's event loop when a replica exits without being stopped, with how it
   * ended ({@code "exited with code 137"}).
   */
  void exitHandler(BiConsumer<Replica, String> handler);

  /**
   * Forgets every replica without stopping it, for a manager that hands its role to another: they run on, and the
   * next manager adopts them.
   */
  default void release() {
  }

  /** Stops every replica this backend started or adopted. */
  Future<Void> close();

  /**
   * Where the set comes from when someone else runs this backend's replicas (an orchestrator, or the user): the manager
   * then follows the {@link Discovery}, never starts, stops or replaces a replica, and refuses {@code /add} and
   * {@code /rm} (405). Empty, the default, for a backend that runs its replicas itself.
   */
  default Optional<Discovery> discovery() {
    return Optional.empty();
  }
}
