package dev.lb.cluster;

import dev.lb.bus.NodeMessages;
import dev.lb.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;

/**
 * Watches whether this node sees a quorum of the cluster, and says so to the node alone: it answers
 * {@link Addresses#NODE_QUORUM} and publishes {@link Addresses#NODE_QUORUM_CHANGED} when it changes. Deployed on every
 * clustered node; Hazelcast reevaluates the quorum each heartbeat, and this looks every {@value #CHECK_MS} ms.
 */
public final class QuorumVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(QuorumVerticle.class.getName());
  static final long CHECK_MS = 250;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ClusterAuthority authority;
  private boolean present;

  public QuorumVerticle(ClusterAuthority authority) {
    this.authority = authority;
  }

  @Override
  public Future<?> start() {
    present = authority.quorum();
    vertx.setPeriodic(CHECK_MS, t -> check());
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.NODE_QUORUM, msg -> msg.reply(authority.state(
        authority.quorum())))
        .completion();
  }

  private void check() {
    boolean now = authority.quorum();
    if (now == present) {
      return;
    }
    present = now;
    JsonObject state = authority.state(now);
    if (now) {
      LOG.log(Level.INFO, "this node sees a quorum of the cluster again ({0} members, {1} needed)", state.getInteger(NodeMessages.MEMBERS),
          authority.needed());
    } else {
      LOG.log(Level.WARNING, "this node lost the quorum of the cluster (it hears from fewer than {0} members): nothing "
          + "changes the replica set here until it is back; balancers keep routing with the set they have",
          authority.needed());
    }
    vertx.eventBus().publish(Addresses.NODE_QUORUM_CHANGED, state, LOCAL);
  }
}
