package dev.lb.config;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Loads the configuration: the embedded {@code conf/config.json}, then an optional file, then environment variables.
 * Later layers win; every value is checked against the type of its default.
 */
public final class Settings {

  /** Environment variables and the keys they set. */
  public static final Map<String, String> ENVIRONMENT = environmentTable();

  /** Variables that hold a secret of the balancer's: never passed on to a process it starts. */
  public static final Set<String> SECRET_VARIABLES = Set.of("LB_ADMIN_TOKEN");

  private static final String EMBEDDED = "/conf/config.json";

  private Settings() {}

  private static Map<String, String> environmentTable() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LB_HOST", ConfigKeys.HTTP_HOST);
    env.put("LB_PORT", ConfigKeys.HTTP_PORT);
    env.put("LB_REPLICAS", ConfigKeys.REPLICAS);
    env.put("LB_MAX_REPLICAS", ConfigKeys.REPLICAS_MAX);
    env.put("LB_BACKEND", ConfigKeys.BACKEND);
    env.put("LB_HASH", ConfigKeys.RING_HASH);
    env.put("LB_SLOTS", ConfigKeys.RING_SLOTS);
    env.put("LB_VNODES", ConfigKeys.RING_VNODES);
    env.put("LB_PROBING", ConfigKeys.RING_PROBING);
    env.put("LB_RING", ConfigKeys.RING_ALGORITHM);
    env.put("LB_MAGLEV_SIZE", ConfigKeys.RING_MAGLEV_SIZE);
    env.put("LB_BALANCE_FACTOR", ConfigKeys.RING_BALANCE_FACTOR);
    env.put("LB_BALANCE_MEASURE", ConfigKeys.RING_BALANCE_MEASURE);
    env.put("LB_SLOW_START", ConfigKeys.RING_SLOW_START);
    env.put("LB_KEY", ConfigKeys.KEY);
    env.put("LB_INSTANCES", ConfigKeys.BALANCER_INSTANCES);
    env.put("LB_TRANSPORT", ConfigKeys.TRANSPORT);
    env.put("LB_REQUEST_TIMEOUT_MS", ConfigKeys.PROXY_TIMEOUT_MS);
    env.put("LB_TRY_TIMEOUT_MS", ConfigKeys.PROXY_TRY_TIMEOUT_MS);
    env.put("LB_TRUST_FORWARDED", ConfigKeys.PROXY_TRUST_FORWARDED);
    env.put("LB_EJECT_AFTER", ConfigKeys.PROXY_EJECT_AFTER);
    env.put("LB_EJECT_MS", ConfigKeys.PROXY_EJECT_MS);
    env.put("LB_ADMIN_TOKEN", ConfigKeys.ADMIN_TOKEN);
    env.put("LB_ALLOWED_ORIGINS", ConfigKeys.ADMIN_ALLOWED_ORIGINS);
    env.put("LB_ADMIN_PORT", ConfigKeys.ADMIN_PORT);
    env.put("LB_ADMIN_HOST", ConfigKeys.ADMIN_HOST);
    env.put("LB_METRICS", ConfigKeys.METRICS_ENABLED);
    env.put("LB_LOG_FORMAT", ConfigKeys.LOG_FORMAT);
    env.put("LB_ACCESS_LOG", ConfigKeys.ACCESS_LOG);
    env.put("LB_ACCESS_LOG_FORMAT", ConfigKeys.ACCESS_LOG_FORMAT);
    env.put("LB_MAX_HEADER_SIZE", ConfigKeys.HTTP_MAX_HEADER_SIZE);
    env.put("LB_IDLE_TIMEOUT_S", ConfigKeys.HTTP_IDLE_TIMEOUT_S);
    env.put("LB_HEADER_TIMEOUT_MS", ConfigKeys.HTTP_HEADER_TIMEOUT_MS);
    env.put("LB_RETRIES", ConfigKeys.PROXY_RETRIES);
    env.put("LB_RETRY_BUDGET_PERCENT", ConfigKeys.PROXY_RETRY_BUDGET_PERCENT);
    env.put("LB_MAX_INFLIGHT", ConfigKeys.PROXY_MAX_INFLIGHT);
    env.put("LB_MAX_QUEUE", ConfigKeys.PROXY_MAX_QUEUE);
    env.put("LB_QUEUE_TIMEOUT", ConfigKeys.PROXY_QUEUE_TIMEOUT);
    env.put("LB_BODY_LIMIT", ConfigKeys.PROXY_BODY_LIMIT);
    env.put("LB_RETRY_BODY_BYTES", ConfigKeys.PROXY_RETRY_BODY_BYTES);
    env.put("LB_REWRITE_404", ConfigKeys.PROXY_REWRITE_404);
    env.put("LB_HEARTBEAT_INTERVAL_MS", ConfigKeys.HEARTBEAT_INTERVAL_MS);
    env.put("LB_HEARTBEAT_TIMEOUT_MS", ConfigKeys.HEARTBEAT_TIMEOUT_MS);
    env.put("LB_HEARTBEAT_FALL", ConfigKeys.HEARTBEAT_FALL);
    env.put("LB_HEARTBEAT_RISE", ConfigKeys.HEARTBEAT_RISE);
    env.put("LB_REPLICA_HOST", ConfigKeys.REPLICA_HOST);
    env.put("LB_REPLICA_JVM_OPTIONS", ConfigKeys.REPLICA_JVM_OPTIONS);
    env.put("LB_DOCKER_SOCKET", ConfigKeys.DOCKER_SOCKET);
    env.put("LB_DOCKER_IMAGE", ConfigKeys.DOCKER_IMAGE);
    env.put("LB_DOCKER_NETWORK", ConfigKeys.DOCKER_NETWORK);
    env.put("LB_DOCKER_OWNER", ConfigKeys.DOCKER_OWNER);
    env.put("LB_DOCKER_ADDRESS", ConfigKeys.DOCKER_ADDRESS);
    env.put("LB_DOCKER_PORT", ConfigKeys.DOCKER_PORT);
    env.put("LB_DOCKER_ENV", ConfigKeys.DOCKER_ENV);
    env.put("LB_REPLICA_COMMAND", ConfigKeys.REPLICA_COMMAND);
    env.put("LB_HEALTH_PATH", ConfigKeys.REPLICA_HEALTH_PATH);
    env.put("LB_REPLICA_LEASE_MS", ConfigKeys.REPLICA_LEASE_MS);
    env.put("LB_DRAIN_MS", ConfigKeys.REPLICA_DRAIN_MS);
    env.put("LB_REPLICA_ADDRESSES", ConfigKeys.REPLICA_ADDRESSES);
    env.put("LB_DNS_NAME", ConfigKeys.DNS_NAME);
    env.put("LB_DNS_PORT", ConfigKeys.DNS_PORT);
    env.put("LB_DNS_REFRESH_MS", ConfigKeys.DNS_REFRESH_MS);
    env.put("LB_CLUSTER", ConfigKeys.CLUSTER_ENABLED);
    env.put("LB_CLUSTER_HOST", ConfigKeys.CLUSTER_HOST);
    env.put("LB_CLUSTER_MEMBERS", ConfigKeys.CLUSTER_MEMBERS);
    env.put("LB_CLUSTER_PORT", ConfigKeys.CLUSTER_PORT);
    env.put("LB_CLUSTER_BUS_PORT", ConfigKeys.CLUSTER_BUS_PORT);
    env.put("LB_CLUSTER_QUORUM", ConfigKeys.CLUSTER_QUORUM);
    env.put("LB_CLUSTER_ROLLING", ConfigKeys.CLUSTER_ROLLING);
    env.put("LB_ROLES", ConfigKeys.ROLES);
    env.put("LB_TLS_CERT", ConfigKeys.TLS_CERT);
    env.put("LB_TLS_KEY", ConfigKeys.TLS_KEY);
    env.put("LB_TLS_PORT", ConfigKeys.TLS_PORT);
    env.put("LB_TLS_REDIRECT", ConfigKeys.TLS_REDIRECT);
    env.put("LB_TLS_PROTOCOLS", ConfigKeys.TLS_PROTOCOLS);
    env.put("LB_TLS_HTTP2", ConfigKeys.TLS_HTTP2);
    env.put("LB_TLS_ENGINE", ConfigKeys.TLS_ENGINE);
    env.put("LB_TLS_RELOAD_MS", ConfigKeys.TLS_RELOAD_MS);
    env.put("LB_TLS_SNI_DIR", ConfigKeys.TLS_SNI_DIR);
    env.put("LB_REPLICA_TLS", ConfigKeys.REPLICA_TLS);
    env.put("LB_REPLICA_TLS_CA", ConfigKeys.REPLICA_TLS_CA);
    env.put("LB_REPLICA_TLS_TRUST_ALL", ConfigKeys.REPLICA_TLS_TRUST_ALL);
    env.put("LB_REPLICA_TLS_VERIFY_HOST", ConfigKeys.REPLICA_TLS_VERIFY_HOST);
    return Map.copyOf(env);
  }

  /** The embedded defaults. */
  public static JsonObject defaults() {
    try (InputStream in = Settings.class.getResourceAsStream(EMBEDDED)) {
      if (in == null) {
        throw new IllegalStateException(EMBEDDED + " is missing from the class path");
      }
      return new JsonObject(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + EMBEDDED, e);
    }
  }

  /** Defaults, overlaid with {@code file} (if not null) and then with the {@code LB_*} variables of {@code env}. */
  public static JsonObject load(Path file, Map<String, String> env) {
    JsonObject config = defaults();
    if (file != null) {
      overlay(config, readFile(file), file.toString());
    }
    JsonObject fromEnv = new JsonObject();
    ENVIRONMENT.forEach((variable, key) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        fromEnv.put(key, convert(config.getValue(key), value.trim(), variable));
      }
    });
    overlay(config, fromEnv, "the environment");
    return config;
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Buffer.buffer(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("configuration file " + file + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  private static void overlay(JsonObject config, JsonObject layer, String source) {
    for (Map.Entry<String, Object> entry : layer) {
      Object current = config.getValue(entry.getKey());
      Object value = entry.getValue();
      if (current instanceof Number && !(value instanceof Number)
          || current instanceof String && !(value instanceof String)
          || current instanceof Boolean && !(value instanceof Boolean)) {
        throw new IllegalArgumentException("'" + entry.getKey() + "' in " + source + " must be of the type of its default "
            + current + ", got " + value);
      }
      config.put(entry.getKey(), value);
    }
  }

  private static Object convert(Object current, String value, String variable) {
    try {
      if (current instanceof Integer) {
        return Integer.parseInt(value);
      }
      if (current instanceof Long) {
        return Long.parseLong(value);
      }
      if (current instanceof Double) {
        return Double.parseDouble(value);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a number like its default " + current + ", got '" + value + "'", e);
    }
    if (current instanceof Boolean) {
      return Boolean.parseBoolean(value);
    }
    return value;
  }
}
