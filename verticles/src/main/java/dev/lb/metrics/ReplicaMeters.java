package dev.lb.metrics;

import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.ring.RingFactory;
import dev.lb.ring.RingPicture;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The meters of the replica set as this node hears of it, kept in step with it: each replica's {@code lb_server_up}
 * (1 unless the heartbeat announced it down or it is being replaced) and {@code lb_server_ring_share}, the count of
 * replacements, and, when a replica leaves the set, the removal of its meters (the forward path's too), so that
 * replaced replicas do not pile up in {@code /metrics}. Plain Java, fed by {@link ReplicaMetricsVerticle} and confined
 * to its event loop.
 */
final class ReplicaMeters {

  private final RingFactory ringFactory;
  private final ProxyMetrics proxyMetrics;
  private final SystemMetrics systemMetrics;
  private Stamp applied = Stamp.NONE;
  private List<ReplicaInfo> replicas = List.of();
  private Map<Integer, Double> shares = Map.of();
  private final Set<String> down = new HashSet<>();
  private final Set<String> replacing = new HashSet<>();

  ReplicaMeters(RingFactory ringFactory, ProxyMetrics proxyMetrics, SystemMetrics systemMetrics) {
    this.ringFactory = ringFactory;
    this.proxyMetrics = proxyMetrics;
    this.systemMetrics = systemMetrics;
  }

  /** A snapshot of the set: applied if newer than the last (false otherwise), dropping the meters of replicas gone. */
  boolean apply(JsonObject snapshot) {
    Stamp stamp = Stamp.of(snapshot);
    if (!stamp.newerThan(applied)) {
      return false;
    }
    applied = stamp;
    replicas = ReplicaMessages.replicas(snapshot);
    shares = RingPicture.of(ringFactory.build(ReplicaInfo.weights(replicas))).shares();
    Set<String> names = new HashSet<>();
    replicas.forEach(r -> names.add(r.name()));
    down.retainAll(names);
    replacing.retainAll(names);
    proxyMetrics.forget(names);
    systemMetrics.forget(names);
    export();
    return true;
  }

  /** An event of {@code lb.replica.down}; one of an older epoch than the set is ignored, as balancers ignore it. */
  void down(JsonObject event) {
    String name = ReplicaMessages.replica(event);
    if (current(event) && isMember(name) && down.add(name)) {
      export();
    }
  }

  /** An event of {@code lb.replica.up}; one of an older epoch than the set is ignored. */
  void up(JsonObject event) {
    if (current(event) && down.remove(ReplicaMessages.replica(event))) {
      export();
    }
  }

  /** An event of {@code lb.lifecycle}: a replacement begins (the replica is not up) or is done (counted). */
  void lifecycle(JsonObject event) {
    Lifecycle.Event what = Lifecycle.eventOf(event);
    if (what == Lifecycle.Event.REPLACING && replacing.add(event.getString(ReplicaMessages.REPLICA, ""))) {
      export();
    } else if (what == Lifecycle.Event.REPLACED) {
      systemMetrics.replaced();
    }
  }

  private boolean current(JsonObject event) {
    return Stamp.epochOf(event) >= applied.epoch();
  }

  private boolean isMember(String name) {
    return replicas.stream().anyMatch(r -> r.name().equals(name));
  }

  private void export() {
    replicas.forEach(r -> systemMetrics.replica(r.name(), !down.contains(r.name()) && !replacing.contains(r.name()),
        shares.getOrDefault(r.ringId(), 0.0)));
  }
}
