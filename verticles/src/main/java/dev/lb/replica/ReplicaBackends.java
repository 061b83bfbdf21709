package dev.lb.replica;

import dev.lb.config.ConfigKeys;
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
  public static final List<String> NAMES = List.of(PROCESS, DOCKER, SWARM, INPROC);

  private ReplicaBackends() {}

  /** What makes the backend a complete configuration names, with the replica settings it gives. */
  public static Function<Vertx, ReplicaBackend> configured(JsonObject config) {
    String name = config.getString(ConfigKeys.BACKEND);
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown replica backend '" + name + "'; choose one of " + NAMES);
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
