package dev.lb.replica;

import dev.lb.config.ConfigKeys;
import dev.lb.discovery.DiscoverySettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** Creates the backend that {@code backend} names. */
public final class ReplicaBackends {

  public static final String PROCESS = "process";
  public static final String DOCKER = "docker";
  public static final String SWARM = "swarm";
  public static final String INPROC = "inproc";
  /** Replicas that already run at fixed addresses ({@code replica.addresses}): checked, never started or stopped. */
  public static final String STATIC = "static";
  /** Replicas an orchestrator runs, listed by a DNS name ({@code dns.name}), followed as it changes. */
  public static final String DNS = "dns";
  public static final List<String> NAMES = List.of(PROCESS, DOCKER, SWARM, INPROC, STATIC, DNS);

  private ReplicaBackends() {}

  /** What makes the backend a complete configuration names, with the replica settings it gives. */
  public static Function<Vertx, ReplicaBackend> configured(JsonObject config) {
    String name = config.getString(ConfigKeys.BACKEND);
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown replica backend '" + name + "'; choose one of " + NAMES);
    }
    if (STATIC.equals(name)) {
      return DiscoverySettings.fixed(config);
    }
    if (DNS.equals(name)) {
      return DiscoverySettings.dns(config);
    }
    ReplicaSettings settings = ReplicaSettings.from(config);
    return vertx -> switch (name) {
      case PROCESS -> new ProcessBackend(vertx, settings);
      case DOCKER -> new DockerBackend(vertx, settings);
      case SWARM -> new SwarmBackend(vertx, settings);
      default -> new InProcessBackend(vertx);
    };
  }
}
