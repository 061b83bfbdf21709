package dev.lb.replica;

import dev.lb.bus.Addresses;
import dev.lb.bus.BadRequestException;
import dev.lb.bus.Failures;
import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Stamp;
import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The only owner of the replica set. It takes over the replicas its predecessor recorded (or starts the initial
 * ones), serves {@code /add} and {@code /rm} one at a time, replaces a replica announced down (with a random name, on
 * the same ring id), and records and publishes the set after every change.
 *
 * <p>It acts for the epoch it was deployed with ({@code manager.epoch}): every snapshot and event it sends carries
 * it, and once it sees a newer epoch it stops acting, leaving its replicas to the newer manager.
 */
public class ReplicaManagerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(ReplicaManagerVerticle.class.getName());
  private static final long RETRY_FIRST_MS = 500;
  private static final long RETRY_MAX_MS = 30_000;

  private final Function<Vertx, ReplicaBackend> backendFactory;
  private final ReplicaSet replicas = new ReplicaSet(new SecureRandom());
  private final Set<String> replacing = new HashSet<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private ReplicaBackend backend;
  private ReplicaStore store;
  private Drains drains;
  private WebClient client;
  private Future<?> queue = Future.succeededFuture();
  private long epoch;
  private String managerId;
  private int maxReplicas;
  private boolean stopping;
  private boolean acting = true;

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
    epoch = config().getLong(ConfigKeys.MANAGER_EPOCH, 1L);
    managerId = config().getString(ConfigKeys.MANAGER_ID, "local");
    client = WebClient.create(vertx);
    store = new ReplicaStore(vertx);
    drains = new Drains(vertx);
    backend = backendFactory != null ? backendFactory.apply(vertx) : ReplicaBackends.create(vertx, config(), client);
    backend.exitHandler((r, how) -> vertx.eventBus().publish(Addresses.REPLICA_DOWN,
        ReplicaMessages.replicaEvent(r.name(), "its process " + how, epoch)));
    maxReplicas = Math.min(config().getInteger(ConfigKeys.REPLICAS_MAX, 32), RingSettings.capacity(config()));
    EventBus bus = vertx.eventBus();
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICAS_ADD, msg -> answer(msg, serialized(() -> add(msg.body())))));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICAS_REMOVE, msg -> answer(msg, serialized(() -> remove(msg.body())))));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICAS_GET, msg -> msg.reply(replicas.snapshot(epoch, managerId))));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> replicaDown(msg.body())));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICA_BUSY,
        msg -> drains.busy(ReplicaMessages.replica(msg.body()), ReplicaMessages.balancer(msg.body()))));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICA_IDLE,
        msg -> drains.idle(ReplicaMessages.replica(msg.body()), ReplicaMessages.balancer(msg.body()))));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> otherManager(msg.body())));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.MANAGER_RELEASE, msg -> {
      stepDown("it hands its role over");
      msg.reply(new JsonObject());
    }));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> serialized(this::takeOver));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (acting) {
      replicas.all().forEach(r -> Lifecycle.emit(vertx, Lifecycle.Event.REMOVED, r.info(), "the replica manager stops"));
    }
    return backend.close().onComplete(ar -> client.close());
  }

  /**
   * Adopts the replicas the last manager recorded that still answer, replaces the others as if they had gone down,
   * and starts the initial ones if there was no manager before.
   */
  private Future<JsonObject> takeOver() {
    return store.load().compose(recorded -> {
      List<Replica> previous = recorded == null ? List.of()
          : ReplicaMessages.replicas(recorded).stream().map(Replica::of).toList();
      return backend.adopt(previous).compose(adopted -> {
        List<Replica> lost = placeInOrder(previous, adopted);
        adopted.forEach(r -> Lifecycle.emit(vertx, Lifecycle.Event.ADOPTED, r.info(), "instance " + shortId(r.instance())));
        if (recorded != null) {
          LOG.log(Level.INFO, "manager of epoch {0} took over: {1} replicas adopted, {2} lost with their node",
              epoch, adopted.size(), lost.size());
        }
        int missing = recorded == null ? config().getInteger(ConfigKeys.REPLICAS, 3) - replicas.size() : 0;
        Future<JsonObject> started = missing > 0
            ? startAll(replicas.planAdd(new ScaleRequest(missing, List.of()), maxReplicas)) : published();
        // lost ones are announced down like any other: balancers route around them, and this manager replaces them
        return started.onSuccess(s -> lost.forEach(r -> vertx.eventBus().publish(Addresses.REPLICA_DOWN,
            ReplicaMessages.replicaEvent(r.name(), "it no longer answered when this manager took over", epoch))));
      });
    });
  }

  /** Puts the adopted replicas and the lost ones (to be replaced) into the set, in the recorded order; returns the lost. */
  private List<Replica> placeInOrder(List<Replica> previous, List<Replica> adopted) {
    Map<String, Replica> byName = new HashMap<>();
    adopted.forEach(r -> byName.put(r.name(), r));
    List<Replica> lost = new ArrayList<>();
    for (Replica recorded : previous) {
      Replica live = byName.remove(recorded.name());
      replicas.add(live != null ? live : recorded);
      if (live == null) {
        lost.add(recorded);
      }
    }
    byName.values().stream().sorted(Comparator.comparingInt(Replica::ringId)).forEach(replicas::add);
    return lost;
  }

  private Future<JsonObject> add(JsonObject body) {
    ScaleRequest request = ScaleRequest.parse(body, ScaleRequest.ADD_TOO_MANY_NAMES);
    return startAll(replicas.planAdd(request, maxReplicas));
  }

  /** Starts every slot; if any fails, stops the others, so a failed {@code /add} changes nothing. */
  private Future<JsonObject> startAll(List<ReplicaSet.Slot> slots) {
    List<Future<Replica>> starts = new ArrayList<>();
    slots.forEach(slot -> starts.add(started(slot.name(), slot.ringId())));
    return Future.join(starts).transform(ar -> {
      if (ar.succeeded()) {
        starts.forEach(f -> replicas.add(f.result()));
        return published();
      }
      List<Future<Void>> undo = new ArrayList<>();
      starts.stream().filter(Future::succeeded).forEach(f -> undo.add(backend.stop(f.result())));
      Throwable cause = starts.stream().filter(Future::failed).findFirst().orElseThrow().cause();
      LOG.log(Level.ERROR, "could not start replicas " + slots + "; the set is unchanged", cause);
      return Future.join(undo).transform(x -> Future.failedFuture("<Error> Could not start replicas: " + cause.getMessage()));
    });
  }

  /**
   * Takes the chosen replicas out of routing (the published set no longer has them), lets the requests under way on
   * them end ({@link Drains}, up to {@code replica.drain.ms}), then stops them.
   */
  /** Starts one replica, telling the lifecycle: starting, then started or failed. */
  private Future<Replica> started(String name, int ringId) {
    Lifecycle.emit(vertx, Lifecycle.Event.STARTING, name, ringId, "", "");
    return backend.start(name, ringId)
        .onSuccess(r -> Lifecycle.emit(vertx, Lifecycle.Event.STARTED, r.info(), "instance " + shortId(r.instance())))
        .onFailure(err -> Lifecycle.emit(vertx, Lifecycle.Event.FAILED, name, ringId, "", String.valueOf(err.getMessage())));
  }

  /** A process id as it is; a container id as Docker shows it (12 characters). */
  private static String shortId(String instance) {
    return instance.length() > 12 ? instance.substring(0, 12) : instance;
  }

  private Future<JsonObject> remove(JsonObject body) {
    List<Replica> chosen = replicas.planRemove(ScaleRequest.parse(body, ScaleRequest.REMOVE_TOO_MANY_NAMES));
    chosen.forEach(replicas::remove);
    return published().compose(snapshot -> drains.await(chosen.stream().map(Replica::name).toList(),
        config().getLong(ConfigKeys.REPLICA_DRAIN_MS, 5000L)).map(snapshot)).compose(snapshot -> {
      List<Future<Void>> stops = new ArrayList<>();
      chosen.forEach(r -> stops.add(backend.stop(r)
          .onSuccess(v -> Lifecycle.emit(vertx, Lifecycle.Event.REMOVED, r.info(), ""))
          .onFailure(err -> LOG.log(Level.ERROR, "could not stop removed replica '" + r.name() + "' (" + r.instance() + ")", err))));
      return Future.join(stops).transform(ar -> Future.succeededFuture(snapshot));
    });
  }

  private void replicaDown(JsonObject event) {
    String name = ReplicaMessages.replica(event);
    if (acting && !stopping && Stamp.epochOf(event) == epoch && replicas.get(name) != null && replacing.add(name)) {
      Replica down = replicas.get(name);
      Lifecycle.emit(vertx, Lifecycle.Event.DOWN, down.info(), ReplicaMessages.reason(event));
      replaceLater(name, 0);
    }
  }

  private void replaceLater(String name, long delayMs) {
    Runnable attempt = () -> serialized(() -> replace(name)).onComplete(ar -> {
      if (ar.succeeded() || stopping || !acting) {
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
        .compose(v -> {
          Lifecycle.emit(vertx, Lifecycle.Event.REPLACING, failed.info(), "by '" + fresh + "'");
          return started(fresh, failed.ringId());
        })
        .compose(started -> {
          replicas.replace(failed, started);
          Lifecycle.emit(vertx, Lifecycle.Event.REPLACED, failed.info(), "by '" + fresh + "' at " + started.address());
          return published();
        })
        .mapEmpty();
  }

  /** Records the set, then publishes it; a manager that finds a newer one recorded steps down instead. */
  private Future<JsonObject> published() {
    JsonObject snapshot = replicas.snapshot(epoch, managerId);
    return store.save(snapshot)
        .recover(err -> {
          if (err instanceof ReplicaStore.Deposed) {
            stepDown(err.getMessage());
            return Future.failedFuture(err);
          }
          // the set changed either way: followers must hear of it even if it could not be recorded
          LOG.log(Level.ERROR, "could not record replica set " + Stamp.of(snapshot), err);
          return Future.succeededFuture();
        })
        .map(v -> {
          vertx.eventBus().publish(Addresses.REPLICAS_CHANGED, snapshot);
          return snapshot;
        });
  }

  /**
   * Steps down on a snapshot of a newer epoch, or of this epoch by another manager: two parts of a cluster that ran
   * apart and merged again each had a manager of their own, and neither may go on; a new election settles it.
   */
  private void otherManager(JsonObject snapshot) {
    long seen = Stamp.of(snapshot).epoch();
    String by = ReplicaMessages.manager(snapshot);
    if (seen > epoch || seen == epoch && !by.equals(managerId)) {
      stepDown("a manager of epoch " + seen + " (" + by + ") is active");
    }
  }

  /** Stops acting for good: no more answers, changes or replacements; the replicas run on for the next manager. */
  private void stepDown(String why) {
    if (!acting) {
      return;
    }
    acting = false;
    LOG.log(Level.WARNING, "replica manager of epoch {0} steps down: {1}", epoch, why);
    consumers.forEach(MessageConsumer::unregister);
    backend.release();
  }

  /** Runs {@code op} after every operation queued before it, so changes of the set never interleave. */
  private <T> Future<T> serialized(Supplier<Future<T>> op) {
    Future<T> result = queue.transform(ignored -> {
      if (!acting) {
        return Future.failedFuture(new IllegalStateException("<Error> This replica manager is no longer active"));
      }
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
