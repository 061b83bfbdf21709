package dev.lb.heartbeat;

import dev.lb.config.ConfigKeys;
import dev.lb.tls.ReplicaTls;
import io.vertx.core.json.JsonObject;

/**
 * How replicas are probed.
 *
 * @param intervalMs   how often each replica is probed
 * @param timeoutMs    how long a probe may take
 * @param fall         misses in a row that announce a replica down
 * @param rise         successes in a row that announce it up again
 * @param healthPath   the path probed; any 2xx answer is healthy
 * @param busTimeoutMs how long the question for the set may take at start
 * @param tls          whether replicas are probed over HTTPS
 */
public record HeartbeatSettings(long intervalMs, long timeoutMs, int fall, int rise, String healthPath, long busTimeoutMs,
    ReplicaTls tls) {

  /** Probing over plain HTTP. */
  public HeartbeatSettings(long intervalMs, long timeoutMs, int fall, int rise, String healthPath, long busTimeoutMs) {
    this(intervalMs, timeoutMs, fall, rise, healthPath, busTimeoutMs, ReplicaTls.OFF);
  }

  /** The settings of a complete configuration (see {@link dev.lb.config.Settings}). */
  public static HeartbeatSettings from(JsonObject config) {
    return new HeartbeatSettings(config.getLong(ConfigKeys.HEARTBEAT_INTERVAL_MS), config.getLong(ConfigKeys.HEARTBEAT_TIMEOUT_MS),
        config.getInteger(ConfigKeys.HEARTBEAT_FALL), config.getInteger(ConfigKeys.HEARTBEAT_RISE),
        config.getString(ConfigKeys.REPLICA_HEALTH_PATH), config.getLong(ConfigKeys.BUS_TIMEOUT_MS), ReplicaTls.from(config));
  }
}
