package dev.lb.metrics;

import dev.lb.bus.Addresses;
import dev.lb.bus.NodeMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.ring.RingFactory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;

/**
 * Keeps the node's meters of the replica set ({@link ReplicaMeters}) in step with what the bus says of the set: the
 * manager's snapshots, down and up events and lifecycle events; and, like every follower of the set, the recorded
 * set when it starts and when its node sees a quorum again. Deployed by the admin listener, which every node has.
 */
public class ReplicaMetricsVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(ReplicaMetricsVerticle.class.getName());

  private final ReplicaMeters meters;

  /**
   * Meters of the set in {@code systemMetrics}, ring shares of the rings {@code ringFactory} builds (the balancers'); a
   * replica that leaves the set also loses its meters in {@code proxyMetrics}.
   */
  public ReplicaMetricsVerticle(RingFactory ringFactory, ProxyMetrics proxyMetrics,
      SystemMetrics systemMetrics) {
    this.meters = new ReplicaMeters(ringFactory, proxyMetrics, systemMetrics);
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> meters.apply(msg.body()));
    bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> meters.down(msg.body()));
    bus.<JsonObject>consumer(Addresses.REPLICA_UP, msg -> meters.up(msg.body()));
    bus.<JsonObject>consumer(Addresses.LIFECYCLE, msg -> meters.lifecycle(msg.body()));
    bus.<JsonObject>localConsumer(Addresses.NODE_QUORUM_CHANGED, msg -> {
      if (NodeMessages.present(msg.body())) {
        recorded();
      }
    });
    return recorded();
  }

  /** Applies the recorded set, if there is one and it can be read; the next snapshot published brings it otherwise. */
  private Future<Void> recorded() {
    return ReplicaStore.shared(vertx).load()
        .<Void>map(snapshot -> {
          if (snapshot != null) {
            meters.apply(snapshot);
          }
          return null;
        })
        .recover(err -> {
          LOG.log(Level.INFO, "the recorded replica set cannot be read yet ({0}); its meters start empty", err.getMessage());
          return Future.succeededFuture();
        });
  }
}
