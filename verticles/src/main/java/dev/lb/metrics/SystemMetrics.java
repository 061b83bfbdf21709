package dev.lb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system's meters beside the forward path's, for the replica set as this node sees it (kept in step with the set
 * by {@link ReplicaMetricsVerticle}):
 * <ul>
 *   <li>{@code lb_server_up{replica}}: 1 while the heartbeat has the replica up, 0 while it is announced down or being
 *       replaced;</li>
 *   <li>{@code lb_server_ring_share{replica}}: the fraction of ring slots (or Maglev entries) it owns;</li>
 *   <li>{@code lb_replacements_total}: replicas replaced after going down;</li>
 *   <li>{@code lb_admin_requests_total{action="add|rm|rep", code}}: calls of the assignment's API.</li>
 * </ul>
 */
public final class SystemMetrics {

  /** Counts into a registry nobody reads. */
  public static final SystemMetrics NONE = new SystemMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

  private final MeterRegistry registry;
  private final Counter replacements;
  private final Map<String, double[]> replicaValues = new ConcurrentHashMap<>();

  public SystemMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.replacements = Counter.builder("lb.replacements").register(registry);
  }

  public void replaced() {
    replacements.increment();
  }

  public void admin(String action, int status) {
    Counter.builder("lb.admin.requests").tag("action", action).tag("code", String.valueOf(status)).register(registry)
        .increment();
  }

  /** Sets replica {@code name}'s up state and ring share. */
  public void replica(String name, boolean up, double share) {
    double[] values = replicaValues.computeIfAbsent(name, n -> {
      double[] v = new double[2];
      Gauge.builder("lb.server.up", v, a -> a[0]).tag("replica", n).register(registry);
      Gauge.builder("lb.server.ring.share", v, a -> a[1]).tag("replica", n).register(registry);
      return v;
    });
    values[0] = up ? 1 : 0;
    values[1] = share;
  }

  /** Drops the gauges of replicas no longer in {@code current}. */
  public void forget(Set<String> current) {
    for (String name : java.util.List.copyOf(replicaValues.keySet())) {
      if (!current.contains(name)) {
        replicaValues.remove(name);
        registry.getMeters().stream().filter(m -> name.equals(m.getId().getTag("replica"))
            && (m.getId().getName().equals("lb.server.up") || m.getId().getName().equals("lb.server.ring.share")))
            .toList().forEach(registry::remove);
      }
    }
  }
}
