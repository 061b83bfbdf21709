package dev.lb.discovery;

import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.replica.Discovery.Endpoint;
import dev.lb.replica.ReplicaBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The settings of the backends whose replicas someone else runs, read and checked once: {@code static}
 * ({@code replica.addresses}) and {@code dns} ({@code dns.name}, {@code dns.port}, {@code dns.refresh.ms}).
 *
 * <p>With {@code static}, the number of replicas is the number of addresses: {@code replicas} ({@code LB_REPLICAS}) left
 * at its default is not used, and set to any other number that differs it is a contradiction, refused at start. With
 * {@code dns} it is not used: the name lists as many as run.
 */
public final class DiscoverySettings {

  private static final System.Logger LOG = System.getLogger(DiscoverySettings.class.getName());
  /** A DNS name: labels of letters, digits, '-' and '_' separated by dots. */
  private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_-]{1,63})*\\.?");
  private static final long MIN_REFRESH_MS = 100;
  /** The longest a DNS question waits for its answer. */
  private static final long MAX_QUERY_MS = 5000;

  private DiscoverySettings() {}

  /** The {@code static} backend that {@code config} describes; fails with what is wrong. */
  public static Function<Vertx, ReplicaBackend> fixed(JsonObject config) {
    List<Endpoint> addresses = addresses(config.getString(ConfigKeys.REPLICA_ADDRESSES));
    int replicas = config.getInteger(ConfigKeys.REPLICAS);
    if (replicas != addresses.size()) {
      if (replicas != Settings.defaults().getInteger(ConfigKeys.REPLICAS)) {
        throw new IllegalArgumentException("LB_REPLICAS is " + replicas + " but LB_REPLICA_ADDRESSES lists "
            + addresses.size() + " replicas: with the static backend the replicas are the addresses listed; leave "
            + "LB_REPLICAS unset or make it " + addresses.size());
      }
      LOG.log(Level.INFO, "static backend: {0} replicas, as LB_REPLICA_ADDRESSES lists (LB_REPLICAS, at its default {1}, "
          + "is not used)", addresses.size(), replicas);
    }
    int max = config.getInteger(ConfigKeys.REPLICAS_MAX);
    if (addresses.size() > max) {
      throw new IllegalArgumentException("LB_REPLICA_ADDRESSES lists " + addresses.size() + " replicas; the most is "
          + "LB_MAX_REPLICAS (" + max + ")");
    }
    String health = config.getString(ConfigKeys.REPLICA_HEALTH_PATH);
    long timeout = config.getLong(ConfigKeys.REPLICA_START_TIMEOUT_MS);
    return vertx -> new DiscoveredBackend(vertx, "LB_REPLICA_ADDRESSES", () -> Future.succeededFuture(addresses),
        0, health, timeout);
  }

  /** The {@code dns} backend that {@code config} describes; fails with what is wrong. */
  public static Function<Vertx, ReplicaBackend> dns(JsonObject config) {
    String name = config.getString(ConfigKeys.DNS_NAME).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the dns backend needs LB_DNS_NAME: the name that lists the replicas (a "
          + "Compose service, Swarm's tasks.<service>, a Kubernetes headless service by its full name: "
          + "my-svc.my-namespace.svc.cluster.local; no search domain is applied)");
    }
    if (!DNS_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("LB_DNS_NAME '" + name + "' is not a DNS name");
    }
    int port = config.getInteger(ConfigKeys.DNS_PORT);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("LB_DNS_PORT must be from 1 to 65535, got " + port);
    }
    long refreshMs = config.getLong(ConfigKeys.DNS_REFRESH_MS);
    if (refreshMs < MIN_REFRESH_MS) {
      throw new IllegalArgumentException("LB_DNS_REFRESH_MS must be at least " + MIN_REFRESH_MS + ", got " + refreshMs);
    }
    String health = config.getString(ConfigKeys.REPLICA_HEALTH_PATH);
    long timeout = config.getLong(ConfigKeys.REPLICA_START_TIMEOUT_MS);
    String source = "DNS name " + name;
    return vertx -> new DiscoveredBackend(vertx, source, DnsLookup.of(vertx, name, port,
        Math.min(MAX_QUERY_MS, Math.max(refreshMs, 1000))), refreshMs, health, timeout);
  }

  /** Reads {@code host:port,host:port,...}: at least one, no two alike. */
  static List<Endpoint> addresses(String text) {
    List<String> words = Arrays.stream(text.split(",")).map(String::trim).filter(w -> !w.isEmpty()).toList();
    if (words.isEmpty()) {
      throw new IllegalArgumentException("the static backend needs LB_REPLICA_ADDRESSES: host:port of each replica, "
          + "separated by commas");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (String word : words) {
      Endpoint endpoint;
      try {
        endpoint = Endpoint.parse(word);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("LB_REPLICA_ADDRESSES: " + e.getMessage(), e);
      }
      if (endpoints.contains(endpoint)) {
        throw new IllegalArgumentException("LB_REPLICA_ADDRESSES lists " + endpoint + " twice");
      }
      endpoints.add(endpoint);
    }
    return List.copyOf(endpoints);
  }
}
