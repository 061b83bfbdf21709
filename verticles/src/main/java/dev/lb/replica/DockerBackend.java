package dev.lb.replica;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Each replica is a container of {@code docker.image} on network {@code docker.network}, made through the Docker
 * Engine API. Containers carry labels naming their owner, replica name and ring id, so a manager that starts after a
 * crash (or takes over in a cluster) adopts them instead of starting duplicates.
 *
 * <p>The project's own image says, by its label {@value #COMMAND_LABEL}, which command runs a replica; any other
 * image runs its own default command, listening on {@code docker.port}.
 */
final class DockerBackend extends TrackedBackend {

  static final String OWNER = "dev.lb.owner";
  static final String REPLICA = "dev.lb.replica";
  static final String RING_ID = "dev.lb.ring-id";
  /** Label of an image whose replica command differs from its default one (the project's image: {@code server}). */
  static final String COMMAND_LABEL = "dev.lb.replica-command";
  private static final System.Logger LOG = System.getLogger(DockerBackend.class.getName());
  private static final long EVENTS_RETRY_MS = 1000;

  private final DockerEngine engine;
  private final ReplicaSettings.Docker docker;
  private Future<Void> ready;
  private List<String> replicaCommand = List.of();
  private boolean createdNetwork;
  private boolean watching = true;

  DockerBackend(Vertx vertx, ReplicaSettings settings) {
    super(vertx, settings);
    this.docker = settings.docker();
    this.engine = new DockerEngine(vertx, docker.socket());
  }

  private String ownerLabel() {
    return OWNER + "=" + docker.owner();
  }

  /** The network exists, the image's replica command is known, and die events are watched; done once. */
  private Future<Void> ready() {
    if (ready == null) {
      ready = engine.ensureNetwork(docker.network(), ownerLabel())
          .compose(created -> {
            createdNetwork = created;
            return engine.call(HttpMethod.GET, "/images/" + URLEncoder.encode(docker.image(), StandardCharsets.UTF_8) + "/json", null);
          })
          .compose(image -> {
            JsonObject labels = ((JsonObject) image).getJsonObject("Config", new JsonObject()).getJsonObject("Labels");
            String command = labels == null ? null : labels.getString(COMMAND_LABEL);
            replicaCommand = command == null ? List.of() : CommandWords.split(command);
            return watchExits();
          });
    }
    return ready;
  }

  private Future<Void> watchExits() {
    return engine.dieEvents(ownerLabel(), event -> context.runOnContext(v -> exited(event.getString("id"), "died")), err -> {
      if (watching && !isClosed()) {
        LOG.log(Level.WARNING, "Docker event stream ended ({0}); reconnecting", err == null ? "closed" : err.getMessage());
        vertx.setTimer(EVENTS_RETRY_MS, t -> watchExits().onFailure(e ->
            LOG.log(Level.ERROR, "cannot watch container exits: " + e.getMessage())));
      }
    });
  }

  @Override
  public Future<List<Replica>> adopt(List<Replica> previous) {
    return ready().compose(v -> engine.containers(ownerLabel())).compose(list -> {
      List<Future<Replica>> adopted = new ArrayList<>();
      for (Object o : list) {
        JsonObject c = (JsonObject) o;
        String id = c.getString("Id");
        JsonObject labels = c.getJsonObject("Labels", new JsonObject());
        if ("running".equals(c.getString("State")) && ReplicaNames.isValid(labels.getString(REPLICA))) {
          adopted.add(engine.inspect(id).map(info -> {
            Replica replica = track(new Replica(labels.getString(REPLICA), Integer.parseInt(labels.getString(RING_ID, "0")),
                host(info), port(info), id));
            LOG.log(Level.DEBUG, "adopted replica ''{0}'' (ring id {1}) in container {2} at {3}", replica.name(),
                replica.ringId(), id.substring(0, 12), replica.address());
            return replica;
          }).recover(err -> {
            LOG.log(Level.WARNING, "cannot adopt container {0} ({1}); removing it", id.substring(0, 12), err.toString());
            return engine.stopAndRemove(id, 0).map((Replica) null);
          }));
        } else {
          LOG.log(Level.INFO, "removing stopped replica container {0}", id.substring(0, 12));
          adopted.add(engine.stopAndRemove(id, 0).map((Replica) null));
        }
      }
      return Future.all(adopted).map(all -> adopted.stream().map(Future::result)
          .filter(r -> r != null && r.ringId() > 0)
          .sorted(Comparator.comparingInt(Replica::ringId)).toList());
    });
  }

  @Override
  protected Future<Replica> launch(String name, int ringId) {
    String container = docker.owner() + "-" + ReplicaNames.safe(name);
    return ready()
        .compose(v -> engine.create(container, spec(name, ringId, container)))
        .compose(id -> engine.start(id).compose(v -> engine.inspect(id))
            .map(info -> new Replica(name, ringId, host(info), port(info), id))
            .recover(err -> engine.stopAndRemove(id, 0).transform(x -> Future.failedFuture(err))))
        .onSuccess(r -> LOG.log(Level.DEBUG, "started replica ''{0}'' (ring id {1}) as container {2} at {3}",
            name, ringId, container, r.address()));
  }

  private JsonObject spec(String name, int ringId, String container) {
    String port = docker.port() + "/tcp";
    JsonObject hostConfig = new JsonObject().put("NetworkMode", docker.network())
        .put("RestartPolicy", new JsonObject().put("Name", "no"))
        // a leased replica that ends by itself leaves no stopped container behind
        .put("AutoRemove", settings.leased());
    if (docker.addressing() == ReplicaSettings.Addressing.PUBLISHED) {
      hostConfig.put("PortBindings", new JsonObject().put(port,
          new JsonArray().add(new JsonObject().put("HostIp", "127.0.0.1").put("HostPort", ""))));
    }
    JsonArray env = new JsonArray().add("SERVER_ID=" + ringId).add("PORT=" + docker.port());
    if (!replicaCommand.isEmpty()) {
      env.add("JAVA_TOOL_OPTIONS=" + String.join(" ", settings.jvmOptions()));
      if (settings.leased()) {
        env.add("LEASE_MS=" + settings.leaseMs());
      }
    }
    docker.env().forEach(env::add);
    JsonObject spec = new JsonObject()
        .put("Image", docker.image())
        .put("Hostname", container)
        .put("Env", env)
        .put("Labels", new JsonObject().put(OWNER, docker.owner()).put(REPLICA, name).put(RING_ID, String.valueOf(ringId)))
        .put("ExposedPorts", new JsonObject().put(port, new JsonObject()))
        .put("HostConfig", hostConfig)
        .put("NetworkingConfig", new JsonObject().put("EndpointsConfig",
            new JsonObject().put(docker.network(), new JsonObject().put("Aliases", new JsonArray().add(container)))));
    if (!replicaCommand.isEmpty()) {
      // the project's image runs as nobody; an image of the user's own runs as it was built to
      spec.put("Cmd", new JsonArray(replicaCommand)).put("User", "65534:65534");
    }
    return spec;
  }

  private String host(JsonObject info) {
    return switch (docker.addressing()) {
      case NAME -> info.getJsonObject("Config").getString("Hostname");
      case IP -> info.getJsonObject("NetworkSettings").getJsonObject("Networks").getJsonObject(docker.network())
          .getString("IPAddress");
      case PUBLISHED -> "127.0.0.1";
    };
  }

  private int port(JsonObject info) {
    if (docker.addressing() != ReplicaSettings.Addressing.PUBLISHED) {
      return docker.port();
    }
    JsonArray bindings = info.getJsonObject("NetworkSettings").getJsonObject("Ports").getJsonArray(docker.port() + "/tcp");
    return Integer.parseInt(bindings.getJsonObject(0).getString("HostPort"));
  }

  /** Stops the container (SIGKILL after the grace period) and removes it. */
  @Override
  protected Future<Void> terminate(Replica replica, long graceMs) {
    return engine.stopAndRemove(replica.instance(), (int) Math.ceil(graceMs / 1000.0));
  }

  @Override
  public void release() {
    watching = false;
    super.release();
  }

  /** A network this backend created goes with its replicas, unless something else still uses it. */
  @Override
  protected Future<Void> closed() {
    watching = false;
    return (createdNetwork ? engine.removeNetwork(docker.network()) : Future.<Void>succeededFuture())
        .onComplete(ar -> engine.close());
  }
}
