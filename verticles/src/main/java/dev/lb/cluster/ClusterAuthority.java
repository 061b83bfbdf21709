package dev.lb.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import dev.lb.bus.Deposed;
import dev.lb.bus.NoQuorum;
import dev.lb.bus.NodeMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Stamp;
import dev.lb.replica.Authority;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Counter;

/**
 * A clustered manager's fence: its node must see a quorum (Hazelcast's split-brain protection, see
 * {@link ClusterSettings}), the cluster's epoch counter must not have moved past its epoch (no newer manager was
 * elected), and the recorded set must not be of a newer epoch. Each check reads cluster state that only a quorum side
 * can read, so a node cut off from the cluster fails it whatever it believes.
 */
public final class ClusterAuthority implements Authority {

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final int needed;

  public ClusterAuthority(Vertx vertx, HazelcastInstance hazelcast, int needed) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.needed = needed;
  }

  @Override
  public boolean quorum() {
    return needed <= 1 || hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(ClusterSettings.QUORUM)
        .hasMinimumSize();
  }

  /** The members this node counts in the cluster now (including those it has not heard from lately). */
  public int members() {
    return hazelcast.getCluster().getMembers().size();
  }

  /** How many members make a quorum. */
  public int needed() {
    return needed;
  }

  @Override
  public Future<Void> confirm(long epoch) {
    if (!quorum()) {
      return Future.failedFuture(new NoQuorum(needed));
    }
    return elected().compose(newest -> {
      if (newest > epoch) {
        return Future.failedFuture(new Deposed(epoch, newest, "was elected"));
      }
      return ReplicaStore.shared(vertx).load().compose(recorded -> {
        long stored = recorded == null ? 0 : Stamp.of(recorded).epoch();
        return stored > epoch ? Future.failedFuture(new Deposed(epoch, stored, "recorded the replica set"))
            : Future.<Void>succeededFuture();
      });
    }).recover(err -> Future.failedFuture(err instanceof SplitBrainProtectionException ? new NoQuorum(needed) : err));
  }

  /** The newest epoch elected in the cluster. */
  Future<Long> elected() {
    return vertx.sharedData().getCounter(ManagerElection.EPOCH).compose(Counter::get);
  }

  /** What {@link dev.lb.bus.Addresses#NODE_QUORUM} answers, with the quorum {@code present} or not. */
  JsonObject state(boolean present) {
    return NodeMessages.quorum(present, members(), needed);
  }
}
