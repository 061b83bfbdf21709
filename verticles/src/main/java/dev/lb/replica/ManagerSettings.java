package dev.lb.replica;

import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import io.vertx.core.json.JsonObject;

/**
 * What a replica manager is told when it is deployed.
 *
 * @param epoch       the term it acts for; everything it records and announces carries it
 * @param managerId   who it is (its node's cluster id, {@code local} when not clustered)
 * @param replicas    how many replicas to start when no manager recorded a set before
 * @param maxReplicas the most replicas {@code /add} may reach (and the ring has room for)
 * @param drainMs     the longest a removed replica waits for the requests under way on it
 */
public record ManagerSettings(long epoch, String managerId, int replicas, int maxReplicas, long drainMs) {

  /** The manager of {@code epoch}, {@code managerId}, as a complete configuration says (see {@link dev.lb.config.Settings}). */
  public static ManagerSettings from(JsonObject config, long epoch, String managerId) {
    return new ManagerSettings(epoch, managerId, config.getInteger(ConfigKeys.REPLICAS),
        Math.min(config.getInteger(ConfigKeys.REPLICAS_MAX), RingSettings.capacity(config)),
        config.getLong(ConfigKeys.REPLICA_DRAIN_MS));
  }

  /** A manager alone (not clustered): epoch 1. */
  public static ManagerSettings alone(JsonObject config) {
    return from(config, 1, "local");
  }
}
