package dev.lb.balancer;

import dev.lb.config.ConfigKeys;
import dev.lb.config.Durations;
import dev.lb.config.RingSettings;
import dev.lb.ring.LoadBound;
import dev.lb.ring.RingFactory;
import dev.lb.tls.ReplicaTls;
import dev.lb.tls.TlsSettings;
import io.vertx.core.json.JsonObject;

/**
 * Everything a balancer verticle reads from the configuration, read once from a complete one (see
 * {@link dev.lb.config.Settings}: the defaults live in {@code conf/config.json} only). The launcher hands it to each {@link BalancerVerticle} it deploys
 * rather than the configuration itself: Vert.x 5.0 copies a deployment's configuration into every context it makes,
 * and its HTTP client makes one per request (measured: 2.6 % of the balancer's CPU for the copies of a full
 * configuration).
 *
 * @param host          the address it listens on
 * @param port          its port
 * @param maxHeaderSize largest request head, in bytes (then 431)
 * @param maxInitialLine longest request line, in bytes (then 414)
 * @param idleTimeoutS  seconds an idle connection (client or replica) is kept
 * @param headerTimeoutMs how long a request's head may take to come whole, once reading it started (then 408); 0: no
 *                      bound but the idle timeout
 * @param adminToken    the bearer token {@code /add} and {@code /rm} require; empty: none
 * @param allowedOrigins origins besides the API's own whose browser requests may call {@code /add} and {@code /rm}
 * @param busTimeoutMs  how long a request to the replica manager may take
 * @param poolSize      connections to each replica, per balancer instance
 * @param key           where a request's key comes from
 * @param forwarding    the settings of forwarding
 * @param ring          the configuration the ring is built from
 * @param drainMs       how long a stopping balancer waits for the requests under way
 * @param accessLog     whether routed requests are logged
 * @param tls           HTTPS on the balancer's port, or beside it
 * @param replicaTls    whether replicas are reached over HTTPS
 */
public record BalancerSettings(String host, int port, int maxHeaderSize, int maxInitialLine, int idleTimeoutS,
    long headerTimeoutMs,
    String adminToken, String allowedOrigins, long busTimeoutMs, int poolSize, String key,
    Forwarder.Options forwarding, JsonObject ring, long drainMs, boolean accessLog, TlsSettings tls, ReplicaTls replicaTls) {

  public static BalancerSettings from(JsonObject config) {
    JsonObject c = config;
    // read when the balancer starts; checked now, so that a wrong one stops the node at once
    RingSettings.slowStartMs(c);
    return new BalancerSettings(c.getString(ConfigKeys.HTTP_HOST), c.getInteger(ConfigKeys.HTTP_PORT),
        c.getInteger(ConfigKeys.HTTP_MAX_HEADER_SIZE), c.getInteger(ConfigKeys.HTTP_MAX_INITIAL_LINE),
        c.getInteger(ConfigKeys.HTTP_IDLE_TIMEOUT_S),
        c.getLong(ConfigKeys.HTTP_HEADER_TIMEOUT_MS), c.getString(ConfigKeys.ADMIN_TOKEN),
        c.getString(ConfigKeys.ADMIN_ALLOWED_ORIGINS), c.getLong(ConfigKeys.BUS_TIMEOUT_MS),
        c.getInteger(ConfigKeys.PROXY_POOL_SIZE), c.getString(ConfigKeys.KEY),
        new Forwarder.Options(c.getLong(ConfigKeys.PROXY_TIMEOUT_MS), c.getLong(ConfigKeys.PROXY_TRY_TIMEOUT_MS),
            c.getLong(ConfigKeys.PROXY_CONNECT_TIMEOUT_MS), c.getInteger(ConfigKeys.PROXY_RETRIES),
            c.getBoolean(ConfigKeys.PROXY_TRUST_FORWARDED), c.getLong(ConfigKeys.PROXY_BODY_LIMIT),
            c.getInteger(ConfigKeys.PROXY_RETRY_BODY_BYTES), c.getBoolean(ConfigKeys.PROXY_REWRITE_404),
            c.getInteger(ConfigKeys.PROXY_RETRY_BUDGET_PERCENT), nonNegative(c, ConfigKeys.PROXY_MAX_INFLIGHT),
            nonNegative(c, ConfigKeys.PROXY_MAX_QUEUE),
            Durations.millis(c.getString(ConfigKeys.PROXY_QUEUE_TIMEOUT), ConfigKeys.PROXY_QUEUE_TIMEOUT)),
        c, c.getLong(ConfigKeys.REPLICA_DRAIN_MS), c.getBoolean(ConfigKeys.ACCESS_LOG), TlsSettings.from(c),
        ReplicaTls.from(c));
  }

  private static int nonNegative(JsonObject c, String key) {
    int value = c.getInteger(key);
    if (value < 0) {
      throw new IllegalArgumentException("'" + key + "' must be 0 or more, got " + value);
    }
    return value;
  }

  /** The settings of one of {@code instances} balancer instances: each has its share of the in-flight cap. */
  public BalancerSettings sharedBy(int instances) {
    return new BalancerSettings(host, port, maxHeaderSize, maxInitialLine, idleTimeoutS, headerTimeoutMs, adminToken,
        allowedOrigins, busTimeoutMs, poolSize, key, forwarding.sharedBy(instances), ring, drainMs, accessLog, tls,
        replicaTls);
  }

  /** Slow start's window in ms ({@code ring.slow.start}); 0: off. */
  long slowStartMs() {
    return RingSettings.slowStartMs(ring);
  }

  RingFactory ringFactory() {
    return RingSettings.factory(ring);
  }

  LoadBound loadBound() {
    return RingSettings.loadBound(ring);
  }
}
