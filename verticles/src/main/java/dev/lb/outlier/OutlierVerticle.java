package dev.lb.outlier;

import dev.lb.bus.Addresses;
import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * The node's passive outlier detector: one per node, whatever its number of balancer instances, so that
 * {@code proxy.eject.after} failures in a row mean that many on the node (not that many on each event loop) and an
 * ejection is decided, counted and announced once. Balancer instances report failed forwards (and the successes of a
 * replica it watches); it tells all of them, on the node alone, when to hold a replica out of routing.
 */
public final class OutlierVerticle extends VerticleBase {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ProxyMetrics metrics;
  private final Outliers outliers;

  /** Ejects after {@code ejectAfter} failures in a row, first for {@code ejectMs}, counting into {@code metrics}. */
  public OutlierVerticle(int ejectAfter, long ejectMs, ProxyMetrics metrics) {
    this.metrics = metrics;
    this.outliers = new Outliers(ejectAfter, ejectMs);
  }

  /** The detector a complete configuration describes ({@code proxy.eject.after}, {@code proxy.eject.ms}). */
  public static OutlierVerticle of(JsonObject config, ProxyMetrics metrics) {
    return new OutlierVerticle(config.getInteger(ConfigKeys.PROXY_EJECT_AFTER), config.getLong(ConfigKeys.PROXY_EJECT_MS),
        metrics);
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>localConsumer(Addresses.OUTLIER_REPORT, msg -> report(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> outliers.forget(java.util.Set.copyOf(
            ReplicaMessages.replicas(msg.body()).stream().map(ReplicaInfo::name).toList()))).completion());
  }

  private void report(JsonObject report) {
    ReplicaInfo replica = ReplicaInfo.fromJson(report.getJsonObject(ReplicaMessages.REPLICA));
    String name = replica.name();
    if (report.getBoolean(ReplicaMessages.OK)) {
      if (outliers.succeeded(name)) {
        watch(name, false);
      }
      return;
    }
    boolean watched = outliers.watched(name);
    long now = System.nanoTime();
    long until = outliers.failed(name, report.getBoolean(ReplicaMessages.CERTAIN), now);
    if (until > 0) {
      long holdMs = (until - now) / 1_000_000;
      vertx.eventBus().publish(Addresses.OUTLIER_EJECTED, ReplicaMessages.outlierEjected(name, until, holdMs), LOCAL);
      metrics.of(name).ejected();
      Lifecycle.ejected(vertx, replica, holdMs, "failed forwards in a row; held out of routing for " + holdMs
          + " ms by this node's balancers");
    }
    if (watched != outliers.watched(name)) {
      watch(name, !watched);
    }
  }

  private void watch(String name, boolean on) {
    vertx.eventBus().publish(Addresses.OUTLIER_WATCH, ReplicaMessages.outlierWatch(name, on), LOCAL);
  }
}
