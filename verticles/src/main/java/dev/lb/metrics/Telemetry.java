package dev.lb.metrics;

import dev.lb.http.AccessLog;
import dev.lb.tracing.Tracing;

/**
 * What a node's balancers report to, made once per node: the forward path's meters, the system's meters and the
 * access log.
 *
 * @param proxy     meters per replica
 * @param system    meters of the replica set and the API
 * @param accessLog one line per routed request, or {@link AccessLog#OFF}
 * @param tracing   spans per request and per try, or {@link Tracing#OFF}
 */
public record Telemetry(ProxyMetrics proxy, SystemMetrics system, AccessLog accessLog, Tracing tracing) {

  /** Counts into registries nobody reads, logs nothing: for tests. */
  public static final Telemetry NONE = new Telemetry(ProxyMetrics.NONE, SystemMetrics.NONE, AccessLog.OFF,
      Tracing.OFF);

  /** The same, traced by {@code tracing}. */
  public Telemetry tracedBy(Tracing tracing) {
    return new Telemetry(proxy, system, accessLog, tracing);
  }
}
