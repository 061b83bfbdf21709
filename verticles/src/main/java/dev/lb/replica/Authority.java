package dev.lb.replica;

import dev.lb.bus.Deposed;
import dev.lb.bus.NoQuorum;
import io.vertx.core.Future;

/**
 * Whether a replica manager may still act: its fence. The manager asks before every change of the set and before
 * every destructive step (kill, replace, remove, stop on shutdown), so a manager cut off from the cluster, or one a
 * newer manager replaced, changes nothing. Clustered, the node's quorum and the cluster's epoch answer it; alone, the
 * manager always may.
 */
public interface Authority {

  /** A manager alone (not clustered): nobody else can be the manager. */
  Authority ALONE = new Authority() {
    @Override
    public boolean quorum() {
      return true;
    }

    @Override
    public Future<Void> confirm(long epoch) {
      return Future.succeededFuture();
    }
  };

  /** Whether this node sees a quorum of the cluster now (cheap: no remote call). */
  boolean quorum();

  /**
   * Completes if the manager of {@code epoch} may act now: its node sees a quorum and no newer manager was elected or
   * recorded the set. Fails with {@link NoQuorum} or {@link Deposed} otherwise.
   */
  Future<Void> confirm(long epoch);
}
