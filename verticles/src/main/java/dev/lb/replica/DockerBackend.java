package dev.lb.replica;

import dev.lb.config.ConfigKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Each replica is a container of {@code docker.image} running its {@code server} command on network
 * {@code docker.network}, made through the Docker Engine API. Containers carry labels naming their owner, replica
 * name and ring id, so a balancer that restarts after a crash adopts them instead of starting duplicates.
 */
final class DockerBackend implements ReplicaBackend {

  static final String OWNER = "dev.lb.owner";
  static final String REPLICA = "dev.lb.replica";
  static final String RING_ID = "dev.lb.ring-id";
  private static final System.Logger LOG = System.getLogger(DockerBackend.class.getName());
  private static final int PORT = 5000;
  private static final int STOP_GRACE_S = 2;
  private static final long EVENTS_RETRY_MS = 1000;

  /** How the balancer reaches a replica: by container name on the network, by its IP, or by a port on 127.0.0.1. */
  enum Addressing { NAME, IP, PUBLISHED }

  private final Vertx vertx;
  private final Context context;
  private final DockerEngine engine;
  private final Readiness readiness;
  private final String owner;
  private final String image;
  private final String network;
  private final Addressing addressing;
  private final String jvmOptions;
  private final long startTimeoutMs;
  private final Map<String, Replica> byContainer = new HashMap<>();
  private final Set<String> stopping = new HashSet<>();
  private Handler<Replica> exitHandler = r -> { };
  private Future<Void> ready;
  private boolean createdNetwork;
  private boolean closed;

  DockerBackend(Vertx vertx, JsonObject config, WebClient client) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.engine = new DockerEngine(vertx, config.getString(ConfigKeys.DOCKER_SOCKET, "/var/run/docker.sock"));
    this.readiness = new Readiness(vertx, client);
    this.owner = ReplicaNames.safe(config.getString(ConfigKeys.DOCKER_OWNER, "lb"));
    this.image = config.getString(ConfigKeys.DOCKER_IMAGE, "customized-lb:latest");
    this.network = config.getString(ConfigKeys.DOCKER_NETWORK, "net1");
    this.addressing = addressing(config.getString(ConfigKeys.DOCKER_ADDRESS, "published"));
    this.jvmOptions = config.getString(ConfigKeys.REPLICA_JVM_OPTIONS, "");
    this.startTimeoutMs = config.getLong(ConfigKeys.REPLICA_START_TIMEOUT_MS, 30_000L);
  }

  private static Addressing addressing(String name) {
    try {
      return Addressing.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown docker.address '" + name + "'; choose name, ip or published", e);
    }
  }

  private String ownerLabel() {
    return OWNER + "=" + owner;
  }

  /** The network exists and die events are watched; done once. */
  private Future<Void> ready() {
    if (ready == null) {
      ready = engine.ensureNetwork(network, ownerLabel()).compose(created -> {
        createdNetwork = created;
        return watchExits();
      });
    }
    return ready;
  }

  private Future<Void> watchExits() {
    return engine.dieEvents(ownerLabel(), event -> context.runOnContext(v -> died(event.getString("id"))), err -> {
      if (!closed) {
        LOG.log(Level.WARNING, "Docker event stream ended ({0}); reconnecting", err == null ? "closed" : err.getMessage());
        vertx.setTimer(EVENTS_RETRY_MS, t -> watchExits().onFailure(e ->
            LOG.log(Level.ERROR, "cannot watch container exits: " + e.getMessage())));
      }
    });
  }

  private void died(String containerId) {
    Replica replica = byContainer.get(containerId);
    if (replica != null && !stopping.contains(containerId)) {
      byContainer.remove(containerId);
      LOG.log(Level.WARNING, "replica ''{0}'' (container {1}) died", replica.name(), containerId.substring(0, 12));
      exitHandler.handle(replica);
    }
  }

  @Override
  public Future<List<Replica>> adopt() {
    return ready().compose(v -> engine.containers(ownerLabel())).compose(list -> {
      List<Future<Replica>> adopted = new ArrayList<>();
      for (Object o : list) {
        JsonObject c = (JsonObject) o;
        String id = c.getString("Id");
        JsonObject labels = c.getJsonObject("Labels", new JsonObject());
        if ("running".equals(c.getString("State")) && ReplicaNames.isValid(labels.getString(REPLICA))) {
          adopted.add(engine.inspect(id).map(info ->
              track(new Replica(labels.getString(REPLICA), Integer.parseInt(labels.getString(RING_ID, "0")),
                  host(info), port(info), id)))
              .recover(err -> {
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
  public Future<Replica> start(String name, int ringId) {
    String container = owner + "-" + ReplicaNames.safe(name);
    return ready()
        .compose(v -> engine.create(container, spec(name, ringId, container)))
        .compose(id -> closedMeanwhile(id))
        .compose(id -> engine.start(id).compose(v -> engine.inspect(id))
            .map(info -> track(new Replica(name, ringId, host(info), port(info), id)))
            .compose(replica -> readiness.await(name, replica.host(), replica.port(), startTimeoutMs,
                    () -> byContainer.containsKey(id)).map(replica))
            .recover(err -> stop(new Replica(name, ringId, "", 0, id)).transform(x -> Future.failedFuture(err))))
        .onSuccess(r -> LOG.log(Level.INFO, "started replica ''{0}'' (ring id {1}) as container {2} at {3}:{4,number,#}",
            name, ringId, container, r.host(), r.port()));
  }

  /** A container created after {@link #close()} began would belong to nobody: remove it and fail the start. */
  private Future<String> closedMeanwhile(String id) {
    if (!closed) {
      return Future.succeededFuture(id);
    }
    return engine.stopAndRemove(id, 0).transform(ar -> Future.failedFuture("the backend is closing"));
  }

  private JsonObject spec(String name, int ringId, String container) {
    JsonObject hostConfig = new JsonObject().put("NetworkMode", network).put("RestartPolicy", new JsonObject().put("Name", "no"));
    if (addressing == Addressing.PUBLISHED) {
      hostConfig.put("PortBindings", new JsonObject().put(PORT + "/tcp",
          new JsonArray().add(new JsonObject().put("HostIp", "127.0.0.1").put("HostPort", ""))));
    }
    return new JsonObject()
        .put("Image", image)
        .put("Cmd", new JsonArray().add("server"))
        .put("Hostname", container)
        .put("User", "65534:65534")
        .put("Env", new JsonArray().add("SERVER_ID=" + name).add("PORT=" + PORT).add("JAVA_TOOL_OPTIONS=" + jvmOptions))
        .put("Labels", new JsonObject().put(OWNER, owner).put(REPLICA, name).put(RING_ID, String.valueOf(ringId)))
        .put("ExposedPorts", new JsonObject().put(PORT + "/tcp", new JsonObject()))
        .put("HostConfig", hostConfig)
        .put("NetworkingConfig", new JsonObject().put("EndpointsConfig",
            new JsonObject().put(network, new JsonObject().put("Aliases", new JsonArray().add(container)))));
  }

  private String host(JsonObject info) {
    return switch (addressing) {
      case NAME -> info.getJsonObject("Config").getString("Hostname");
      case IP -> info.getJsonObject("NetworkSettings").getJsonObject("Networks").getJsonObject(network).getString("IPAddress");
      case PUBLISHED -> "127.0.0.1";
    };
  }

  private int port(JsonObject info) {
    if (addressing != Addressing.PUBLISHED) {
      return PORT;
    }
    JsonArray bindings = info.getJsonObject("NetworkSettings").getJsonObject("Ports").getJsonArray(PORT + "/tcp");
    return Integer.parseInt(bindings.getJsonObject(0).getString("HostPort"));
  }

  private Replica track(Replica replica) {
    byContainer.put(replica.instance(), replica);
    return replica;
  }

  @Override
  public Future<Void> stop(Replica replica) {
    return end(replica, STOP_GRACE_S);
  }

  @Override
  public Future<Void> kill(Replica replica) {
    return end(replica, 0);
  }

  /** Stops the container (SIGKILL after {@code graceSeconds}) and removes it; its death is no news then. */
  private Future<Void> end(Replica replica, int graceSeconds) {
    String id = replica.instance();
    stopping.add(id);
    return engine.stopAndRemove(id, graceSeconds).onComplete(ar -> {
      byContainer.remove(id);
      stopping.remove(id);
    });
  }

  @Override
  public void exitHandler(Handler<Replica> handler) {
    this.exitHandler = handler;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> stops = new ArrayList<>();
    List.copyOf(byContainer.values()).forEach(r -> stops.add(stop(r)));
    // a network this backend created goes with its replicas, unless something else still uses it
    return Future.join(stops).<Void>mapEmpty()
        .compose(v -> createdNetwork ? engine.removeNetwork(network) : Future.<Void>succeededFuture())
        .onComplete(ar -> engine.close());
  }
}
