package dev.lb.replica;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Each replica is a Swarm service of one task on the overlay network {@code docker.network}, placed by Swarm on any
 * node and made through the Engine API of a manager node (the same client as the Docker backend's). One service per
 * replica, not one service scaled by count: Swarm chooses by itself which tasks a scale-down ends, and the API has no
 * call that ends one given task, so a named {@code /rm} could not be kept with a scaled service.
 *
 * <p>The replica manager, not Swarm, restarts a replica that ends: the services' restart policy is {@code none}, a
 * task that ends is seen here (its service's tasks are read every {@value #WATCH_MS} ms) or by the heartbeat, and the
 * manager replaces the replica on the same ring id as with the other backends. Services carry labels naming their
 * owner, replica name and ring id, so a manager that takes over adopts them; and the label of the stack that made the
 * network, so that {@code docker stack rm} removes them with the stack. Replicas are reached at their task's IP on the
 * network, so the balancers must be attached to it (as in docker-stack.yml).
 */
final class SwarmBackend extends TrackedBackend {

  private static final System.Logger LOG = System.getLogger(SwarmBackend.class.getName());
  /** How often the tasks of the replica services are read, to see those that ended. */
  static final long WATCH_MS = 1000;
  /** How often a new service's task is looked at until it runs. */
  private static final long START_POLL_MS = 200;

  private final DockerEngine engine;
  private final ReplicaSettings.Docker docker;
  /** The services of replicas that run, by service id, with their task's container (to kill it when it is local). */
  private final Map<String, String> watched = new HashMap<>();
  private Future<Void> ready;
  private List<String> replicaCommand = List.of();
  private String networkId;
  private String stack;
  private boolean createdNetwork;
  /** Released or closed: no watch is started any more (a readiness chain may complete after either). */
  private boolean finished;
  private long watchTimer = -1;
  private boolean watching;

  SwarmBackend(Vertx vertx, ReplicaSettings settings) {
    super(vertx, settings);
    this.docker = settings.docker();
    this.engine = new DockerEngine(vertx, docker.socket());
  }

  private String ownerLabel() {
    return DockerBackend.OWNER + "=" + docker.owner();
  }

  /** The overlay network exists, its stack and the image's replica command are known, and tasks are watched; once. */
  private Future<Void> ready() {
    if (ready == null) {
      ready = engine.ensureNetwork(docker.network(), ownerLabel(),
              new JsonObject().put("Driver", "overlay").put("Attachable", true))
          .compose(created -> {
            createdNetwork = created;
            return engine.call(HttpMethod.GET, "/networks/" + encode(docker.network()), null);
          })
          .compose(network -> {
            JsonObject info = (JsonObject) network;
            if (!"swarm".equals(info.getString("Scope"))) {
              return Future.failedFuture("network '" + docker.network() + "' is not a Swarm overlay network (scope "
                  + info.getString("Scope") + "); the swarm backend needs one");
            }
            networkId = info.getString("Id");
            JsonObject labels = info.getJsonObject("Labels");
            stack = labels == null ? null : labels.getString(SwarmServices.STACK_LABEL);
            return engine.call(HttpMethod.GET, "/images/" + encode(docker.image()) + "/json", null);
          })
          .map(image -> {
            JsonObject labels = ((JsonObject) image).getJsonObject("Config", new JsonObject()).getJsonObject("Labels");
            String command = labels == null ? null : labels.getString(DockerBackend.COMMAND_LABEL);
            replicaCommand = command == null ? List.of() : CommandWords.split(command);
            if (!finished) {
              watchTimer = vertx.setPeriodic(WATCH_MS, t -> watch());
            }
            return (Void) null;
          })
          // a passing failure of the engine is not kept: the next replica started asks again
          .onFailure(err -> ready = null);
    }
    return ready;
  }

  @Override
  public Future<List<Replica>> adopt(List<Replica> previous) {
    return ready().compose(v -> engine.services(ownerLabel())).compose(services -> {
      Map<String, JsonObject> byId = new HashMap<>();
      services.stream().map(JsonObject.class::cast).forEach(s -> byId.put(s.getString("ID"), s));
      return (byId.isEmpty() ? Future.succeededFuture(new JsonArray()) : engine.tasks(byId.keySet()))
          .compose(tasks -> adoptAll(byId, byService(tasks)));
    });
  }

  private Future<List<Replica>> adoptAll(Map<String, JsonObject> services, Map<String, List<JsonObject>> tasks) {
    List<Replica> adopted = new ArrayList<>();
    List<Future<Void>> removed = new ArrayList<>();
    services.forEach((id, service) -> {
      JsonObject labels = service.getJsonObject("Spec", new JsonObject()).getJsonObject("Labels", new JsonObject());
      String name = labels.getString(DockerBackend.REPLICA);
      int ringId = ringId(labels.getString(DockerBackend.RING_ID));
      SwarmServices.TaskView view = SwarmServices.view(tasks.getOrDefault(id, List.of()), networkId);
      if (view.running() && view.ip() != null && ReplicaNames.isValid(name) && ringId > 0) {
        Replica replica = track(new Replica(name, ringId, view.ip(), docker.port(), id));
        watched.put(id, view.containerId());
        adopted.add(replica);
        LOG.log(Level.DEBUG, "adopted replica ''{0}'' (ring id {1}) in service {2} at {3}", name, ringId, id,
            replica.address());
      } else {
        LOG.log(Level.INFO, "removing replica service {0} ({1})", id, view.how());
        removed.add(engine.removeService(id));
      }
    });
    return Future.all(removed).map(v -> adopted.stream().sorted(Comparator.comparingInt(Replica::ringId)).toList());
  }

  private static int ringId(String label) {
    try {
      return label == null ? 0 : Integer.parseInt(label);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  protected Future<Replica> launch(String name, int ringId) {
    byte[] suffix = new byte[2];
    ThreadLocalRandom.current().nextBytes(suffix);
    String serviceName = SwarmServices.serviceName(docker.owner(), name, HexFormat.of().formatHex(suffix));
    return ready()
        .compose(v -> engine.createService(SwarmServices.service(serviceName, spec(name, ringId))))
        .compose(id -> running(id, name).map(view -> {
          watched.put(id, view.containerId());
          return new Replica(name, ringId, view.ip(), docker.port(), id);
        }).recover(err -> engine.removeService(id).transform(x -> Future.failedFuture(err))))
        .onSuccess(r -> LOG.log(Level.DEBUG, "started replica ''{0}'' (ring id {1}) as service {2} at {3}", name, ringId,
            serviceName, r.address()));
  }

  private SwarmServices.Spec spec(String name, int ringId) {
    List<String> env = new ArrayList<>(List.of("SERVER_ID=" + ringId, "PORT=" + docker.port()));
    if (!replicaCommand.isEmpty()) {
      env.add("JAVA_TOOL_OPTIONS=" + String.join(" ", settings.jvmOptions()));
      if (settings.leased()) {
        env.add("LEASE_MS=" + settings.leaseMs());
      }
    }
    env.addAll(docker.env());
    JsonObject labels = new JsonObject().put(DockerBackend.OWNER, docker.owner()).put(DockerBackend.REPLICA, name)
        .put(DockerBackend.RING_ID, String.valueOf(ringId));
    if (stack != null) {
      labels.put(SwarmServices.STACK_LABEL, stack);
    }
    // the project's image runs as nobody; an image of the user's own runs as it was built to
    return new SwarmServices.Spec(docker.image(), replicaCommand, replicaCommand.isEmpty() ? null : "65534:65534", env,
        networkId, labels, STOP_GRACE_MS);
  }

  /** Completes with the service's task once it runs with an address; fails if it ends first or takes too long. */
  private Future<SwarmServices.TaskView> running(String serviceId, String name) {
    Promise<SwarmServices.TaskView> result = Promise.promise();
    long deadline = System.nanoTime() + settings.startTimeoutMs() * 1_000_000;
    pollTask(serviceId, name, deadline, result);
    return result.future();
  }

  private void pollTask(String serviceId, String name, long deadline, Promise<SwarmServices.TaskView> result) {
    engine.tasks(List.of(serviceId)).onComplete(ar -> {
      if (ar.failed()) {
        result.fail(ar.cause());
        return;
      }
      List<JsonObject> tasks = ar.result().stream().map(JsonObject.class::cast).toList();
      SwarmServices.TaskView view = SwarmServices.view(tasks, networkId);
      if (view.running() && view.ip() != null) {
        result.complete(view);
      } else if (SwarmServices.ended(tasks)) {
        result.fail("replica '" + name + "' did not start: " + view.how());
      } else if (isClosed() || System.nanoTime() > deadline) {
        result.fail("replica '" + name + "' did not run within " + settings.startTimeoutMs() + " ms (" + view.how() + ")");
      } else {
        vertx.setTimer(START_POLL_MS, t -> pollTask(serviceId, name, deadline, result));
      }
    });
  }

  /** Sees which watched services' tasks ended since the last look; the manager hears of each once. */
  private void watch() {
    if (watching || watched.isEmpty()) {
      return;
    }
    watching = true;
    List<String> ids = List.copyOf(watched.keySet());
    engine.tasks(ids).onComplete(ar -> {
      watching = false;
      if (ar.failed()) {
        LOG.log(Level.WARNING, "cannot read the replicas'' tasks: {0}", ar.cause().getMessage());
        return;
      }
      Map<String, List<JsonObject>> tasks = byService(ar.result());
      for (String id : ids) {
        List<JsonObject> ofService = tasks.getOrDefault(id, List.of());
        if (!watched.containsKey(id)) {
          continue;
        }
        if (ofService.isEmpty() || SwarmServices.ended(ofService)) {
          watched.remove(id);
          exited(id, "ended (" + (ofService.isEmpty() ? "its service was removed"
              : SwarmServices.view(ofService, networkId).how()) + ")");
        }
      }
    });
  }

  private static Map<String, List<JsonObject>> byService(JsonArray tasks) {
    return tasks.stream().map(JsonObject.class::cast).collect(Collectors.groupingBy(t -> t.getString("ServiceID", "")));
  }

  /**
   * Removes the service; Swarm stops its task (SIGTERM, SIGKILL after the service's stop grace period). Without a
   * grace period, its container is killed first where this engine runs it (a replica on another node gets Swarm's).
   */
  @Override
  protected Future<Void> terminate(Replica replica, long graceMs) {
    String container = watched.remove(replica.instance());
    Future<Void> killed = Future.succeededFuture();
    if (graceMs == 0 && container != null) {
      killed = engine.call(HttpMethod.POST, "/containers/" + container + "/kill", null).<Void>mapEmpty()
          .recover(err -> {
            // a container on another node (404) or already ended (409): Swarm's stop below ends it
            LOG.log(Level.DEBUG, "container {0} not killed here: {1}", container, err.getMessage());
            return Future.succeededFuture();
          });
    }
    return killed.compose(v -> engine.removeService(replica.instance()));
  }

  @Override
  public void release() {
    finished = true;
    stopWatching();
    super.release();
  }

  private void stopWatching() {
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
      watchTimer = -1;
    }
    watched.clear();
  }

  /** A network this backend created goes with its replicas (Swarm removes it once their tasks are gone). */
  @Override
  protected Future<Void> closed() {
    finished = true;
    stopWatching();
    return (createdNetwork ? engine.removeNetwork(docker.network()) : Future.<Void>succeededFuture())
        .onComplete(ar -> engine.close());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
