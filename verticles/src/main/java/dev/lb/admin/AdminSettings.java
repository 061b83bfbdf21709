package dev.lb.admin;

import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import dev.lb.ring.RingFactory;
import io.vertx.core.json.JsonObject;

/**
 * What the admin listener is told.
 *
 * @param host          the address it listens on
 * @param port          its port; 0: one the system picks
 * @param adminToken    the bearer token {@code /api/add} and {@code /api/rm} require; empty: none
 * @param allowedOrigins origins besides the API's own whose browser requests may call them
 * @param busTimeoutMs  how long a request to the replica manager may take
 * @param node          how the dashboard names this node: its cluster address, or {@code local}
 * @param ringAlgorithm the ring's algorithm, hash and key source, as the dashboard shows them
 * @param hash          see {@code ringAlgorithm}
 * @param key           see {@code ringAlgorithm}
 * @param ringFactory   builds the ring the dashboard draws, as the balancers build theirs
 */
public record AdminSettings(String host, int port, String adminToken, String allowedOrigins, long busTimeoutMs,
    String node, String ringAlgorithm,
    String hash, String key, RingFactory ringFactory) {

  /** The settings of a complete configuration (see {@link dev.lb.config.Settings}). */
  public static AdminSettings from(JsonObject config) {
    return new AdminSettings(config.getString(ConfigKeys.ADMIN_HOST), config.getInteger(ConfigKeys.ADMIN_PORT),
        config.getString(ConfigKeys.ADMIN_TOKEN), config.getString(ConfigKeys.ADMIN_ALLOWED_ORIGINS),
        config.getLong(ConfigKeys.BUS_TIMEOUT_MS),
        config.getBoolean(ConfigKeys.CLUSTER_ENABLED) ? config.getString(ConfigKeys.CLUSTER_HOST) : "local",
        config.getString(ConfigKeys.RING_ALGORITHM), config.getString(ConfigKeys.RING_HASH), config.getString(ConfigKeys.KEY),
        RingSettings.factory(config));
  }

  /** The facts of this node the dashboard shows beside the set. */
  JsonObject facts() {
    return new JsonObject().put("node", node).put("ringAlgorithm", ringAlgorithm).put("hash", hash).put("key", key)
        .put("tokenRequired", !adminToken.isEmpty());
  }
}
