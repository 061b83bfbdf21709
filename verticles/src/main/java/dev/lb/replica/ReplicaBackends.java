package dev.lb.replica;

import dev.lb.config.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** Creates the backend that {@code backend} names. */
public final class ReplicaBackends {

  public static final String PROCESS = "process";
  public static final String DOCKER = "docker";
  public static final String INPROC = "inproc";
  public static final List<String> NAMES = List.of(PROCESS, DOCKER, INPROC);

  private ReplicaBackends() {}

  static ReplicaBackend create(Vertx vertx, JsonObject config, WebClient client) {
    String name = config.getString(ConfigKeys.BACKEND, PROCESS);
    ReplicaSettings settings = ReplicaSettings.from(config);
    return switch (name) {
      case PROCESS -> new ProcessBackend(vertx, settings, client);
      case DOCKER -> new DockerBackend(vertx, settings, client);
      case INPROC -> new InProcessBackend(vertx);
      default -> throw new IllegalArgumentException("unknown replica backend '" + name + "'; choose one of " + NAMES);
    };
  }
}
