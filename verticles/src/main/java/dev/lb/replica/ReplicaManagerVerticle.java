package dev.lb.replica;

import dev.lb.bus.Addresses;
import dev.lb.bus.BadRequestException;
import dev.lb.bus.Failures;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The only owner of the replica set. It starts the initial replicas, serves {@code /add} and {@code /rm} one at a
 * time, replaces a replica announced down (with a random name, on the same ring id), and publishes the set after
 * every change.
 */
public class ReplicaManagerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(ReplicaManagerVerticle.class.getName());
  private static final long RETRY_FIRST_MS = 500;
  private static final long RETRY_MAX_MS = 30_000;

  private final Function<Vertx, ReplicaBackend> backendFactory;
  private final ReplicaSet replicas = new ReplicaSet(new SecureRandom());
  private final Set<String> replacing = new HashSet<>();
  private ReplicaBackend backend;
  private WebClient client;
  private Future<?> queue = Future.succeededFuture();
  private int maxReplicas;
  private boolean stopping;

  /** A manager whose backend is the one {@code backend} names in its configuration. */
  public ReplicaManagerVerticle() {
    this(null);
  }

  /** A manager with the backend {@code backendFactory} makes (for tests and embedding). */
  public ReplicaManagerVerticle(Function<Vertx, ReplicaBackend> backendFactory) {
    this.backendFactory = backendFactory;
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx);
    backend = backendFactory != null ? backendFactory.apply(vertx) : ReplicaBackends.create(vertx, config(), client);
    backend.exitHandler(r -> vertx.eventBus().publish(Addresses.REPLICA_DOWN,
        ReplicaMessages.replicaEvent(r.name(), "it exited")));
    maxReplicas = Math.min(config().getInteger(ConfigKeys.REPLICAS_MAX, 32), RingSettings.capacity(config()));
    EventBus bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>consumer(Addresses.REPLICAS_ADD, msg -> answer(msg, serialized(() -> add(msg.body())))).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICAS_REMOVE, msg -> answer(msg, serialized(() -> remove(msg.body())))).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICAS_GET, msg -> msg.reply(replicas.snapshot())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> replicaDown(msg.body())).completion()))
      .compose(v -> serialized(this::startInitial));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return backend.close().onComplete(ar -> client.close());
  }

  private Future<JsonObject> startInitial() {
    return backend.adopt().compose(adopted -> {
      adopted.forEach(replicas::add);
      if (!adopted.isEmpty()) {
        LOG.log(Level.INFO, "adopted {0} running replicas", adopted.size());
      }
      int missing = config().getInteger(ConfigKeys.REPLICAS, 3) - replicas.size();
      return missing > 0 ? startAll(replicas.planAdd(new ScaleRequest(missing, List.of()), maxReplicas))
          : Future.succeededFuture(published());
    });
  }

  private Future<JsonObject> add(JsonObject body) {
    ScaleRequest request = ScaleRequest.parse(body, ScaleRequest.ADD_TOO_MANY_NAMES);
    return startAll(replicas.planAdd(request, maxReplicas));
  }

  /** Starts every slot; if any fails, stops the others, so a failed {@code /add} changes nothing. */
  private Future<JsonObject> startAll(List<ReplicaSet.Slot> slots) {
    List<Future<Replica>> starts = new ArrayList<>();
    slots.forEach(slot -> starts.add(backend.start(slot.name(), slot.ringId())));
    return Future.join(starts).transform(ar -> {
      if (ar.succeeded()) {
        starts.forEach(f -> replicas.add(f.result()));
        return Future.succeededFuture(published());
      }
      List<Future<Void>> undo = new ArrayList<>();
      starts.stream().filter(Future::succeeded).forEach(f -> undo.add(backend.stop(f.result())));
      Throwable cause = starts.stream().filter(Future::failed).findFirst().orElseThrow().cause();
      LOG.log(Level.ERROR, "could not start replicas " + slots + "; the set is unchanged", cause);
      return Future.join(undo).transform(x -> Future.failedFuture("<Error> Could not start replicas: " + cause.getMessage()));
    });
  }

  private Future<JsonObject> remove(JsonObject body) {
    List<Replica> chosen = replicas.planRemove(ScaleRequest.parse(body, ScaleRequest.REMOVE_TOO_MANY_NAMES));
    chosen.forEach(replicas::remove);
    JsonObject snapshot = published();
    List<Future<Void>> stops = new ArrayList<>();
    chosen.forEach(r -> stops.add(backend.stop(r).onFailure(err ->
        LOG.log(Level.ERROR, "could not stop removed replica '" + r.name() + "' (" + r.instance() + ")", err))));
    return Future.join(stops).transform(ar -> Future.succeededFuture(snapshot));
  }

  private void replicaDown(JsonObject event) {
    String name = ReplicaMessages.replica(event);
    if (!stopping && replicas.get(name) != null && replacing.add(name)) {
      LOG.log(Level.WARNING, "replica ''{0}'' is down: {1}", name, ReplicaMessages.reason(event));
      replaceLater(name, 0);
    }
  }

  private void replaceLater(String name, long delayMs) {
    Runnable attempt = () -> serialized(() -> replace(name)).onComplete(ar -> {
      if (ar.succeeded() || stopping) {
        replacing.remove(name);
      } else {
        long next = Math.min(RETRY_MAX_MS, Math.max(RETRY_FIRST_MS, delayMs * 2));
        LOG.log(Level.ERROR, "could not replace replica '" + name + "'; trying again in " + next + " ms", ar.cause());
        replaceLater(name, next);
      }
    });
    if (delayMs == 0) {
      attempt.run();
    } else {
      vertx.setTimer(delayMs, t -> attempt.run());
    }
  }

  /**
   * Kills the failed replica (a hung one would hold its requests until their timeout; killed, their connections
   * reset and balancers retry them elsewhere at once), starts one with a new random name on its ring id, and swaps
   * it in. The failed one stays in the set, out of routing, until its successor answers.
   */
  private Future<Void> replace(String name) {
    Replica failed = replicas.get(name);
    if (failed == null) {
      return Future.succeededFuture();
    }
    String fresh = replicas.randomName();
    return backend.kill(failed)
        .recover(err -> {
          LOG.log(Level.WARNING, "could not kill failed replica '" + name + "' (" + failed.instance() + ")", err);
          return Future.succeededFuture();
        })
        .compose(v -> backend.start(fresh, failed.ringId()))
        .map(started -> {
          replicas.replace(failed, started);
          published();
          LOG.log(Level.INFO, "replaced ''{0}'' with ''{1}'' on ring id {2}", name, fresh, failed.ringId());
          return null;
        });
  }

  private JsonObject published() {
    JsonObject snapshot = replicas.snapshot();
    vertx.eventBus().publish(Addresses.REPLICAS_CHANGED, snapshot);
    return snapshot;
  }

  /** Runs {@code op} after every operation queued before it, so changes of the set never interleave. */
  private <T> Future<T> serialized(Supplier<Future<T>> op) {
    Future<T> result = queue.transform(ignored -> {
      try {
        return op.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    queue = result;
    return result;
  }

  private static void answer(Message<JsonObject> msg, Future<JsonObject> result) {
    result.onSuccess(msg::reply).onFailure(err -> msg.fail(
        err instanceof BadRequestException ? Failures.BAD_REQUEST : Failures.INTERNAL, Failures.messageFor(err)));
  }
}
