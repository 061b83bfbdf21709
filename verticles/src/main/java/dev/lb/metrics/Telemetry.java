package dev.lb.metrics;

import dev.lb.http.AccessLog;

/**
 * What a node's balancers report to, made once per node: the forward path's meters, the system's meters and the
 * access log.
 *
 * @param proxy     meters per replica
 * @param system    meters of the replica set and the API
 * @param accessLog one line per routed request, or {@link AccessLog#OFF}
 */
public record Telemetry(ProxyMetrics proxy, SystemMetrics system, AccessLog accessLog) {

  /** Counts into registries nobody reads, logs nothing: for tests. */
  public static final Telemetry NONE = new Telemetry(ProxyMetrics.NONE, SystemMetrics.NONE, AccessLog.OFF);
}
