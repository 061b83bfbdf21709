package dev.lb.replica;

import dev.lb.bus.BadRequestException;
import dev.lb.bus.Deposed;
import dev.lb.bus.Lifecycle;
import dev.lb.bus.NoQuorum;
import dev.lb.bus.NoSuchReplica;
import dev.lb.bus.NotManaged;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Shaping;
import dev.lb.bus.Stamp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The replica manager's core: the only owner of the replica set. It takes over what its predecessor recorded (or
 * starts the initial replicas), serves {@code /add} and {@code /rm}, replaces a replica announced down (with a random
 * name, on the same ring id), and records and announces the set after every change; all of it one operation at a
 * time. Plain Java on the manager's event loop: the world is reached through a backend, a store, the events it sends
 * and its {@link Authority}, which it asks before every change and every destructive step, so that a manager cut off
 * from the cluster or replaced by a newer one changes nothing.
 *
 * <p>A backend whose replicas someone else runs ({@link ReplicaBackend#discovery}) makes it a follower of that listing
 * ({@link Following}): the set is what is listed, nothing is started, stopped or replaced, and {@code /add} and
 * {@code /rm} are refused ({@link NotManaged}); a replica the heartbeat finds down stays listed, out of routing, until
 * it answers again or is no longer listed.
 *
 * <p>Over 250 lines, on purpose: its steps are classes of their own ({@link TakeOver}, {@link Replacements},
 * {@link BackendSteps}, {@link Following}); what is left is the order of the operations on the set and where each asks its fence, which
 * read best in one place.
 */
final class ReplicaManager {

  private static final System.Logger LOG = System.getLogger(ReplicaManager.class.getName());

  private final ManagerSettings settings;
  private final ReplicaBackend backend;
  private final ReplicaStore store;
  private final Authority authority;
  private final ManagerEvents events;
  private final Drains drains;
  private final ReplicaSet replicas;
  private final BackendSteps steps;
  private final Replacements replacements;
  private final Following following;
  private Future<?> queue = Future.succeededFuture();
  private boolean acting = true;
  private boolean stopping;
  private boolean suspended;
  /** Replicas in maintenance the heartbeat announced down, and has not seen answer since: replaced once they leave it. */
  private final Set<String> downInMaintenance = new HashSet<>();
  private final LongSupplier wallClock;

  ReplicaManager(ManagerSettings settings, ReplicaBackend backend, ReplicaStore store, Authority authority,
      ManagerEvents events, Drains drains, Replacements.Timers timers, Random random) {
    this(settings, backend, store, authority, events, drains, timers, random, System::currentTimeMillis);
  }

  /** As above; {@code wallClock} (epoch ms) stamps when a replica added to a running set, or a replacement, started. */
  ReplicaManager(ManagerSettings settings, ReplicaBackend backend, ReplicaStore store, Authority authority,
      ManagerEvents events, Drains drains, Replacements.Timers timers, Random random, LongSupplier wallClock) {
    this.wallClock = wallClock;
    this.settings = settings;
    this.backend = backend;
    this.store = store;
    this.authority = authority;
    this.events = events;
    this.drains = drains;
    this.replicas = new ReplicaSet(random);
    this.steps = new BackendSteps(backend, events);
    this.replacements = new Replacements(name -> serialized(() -> replace(name)), timers, () -> acting && !stopping);
    this.following = backend.discovery().map(d -> new Following(d, this::follow)).orElse(null);
  }

  /**
   * Takes over: adopts the recorded replicas that still answer and replaces the others, or starts the initial ones if
   * no manager recorded a set before.
   */
  Future<JsonObject> start() {
    TakeOver takeOver = new TakeOver(store, backend, events);
    Future<JsonObject> taken = serialized(() -> takeOver.into(replicas, settings.epoch()).compose(found -> {
      int missing = found.recorded() || following != null ? 0 : settings.replicas() - replicas.size();
      Future<JsonObject> started = missing > 0
          ? startAll(replicas.planAdd(new ScaleRequest(missing, List.of()), settings.maxReplicas()), 1) : published();
      if (!found.surplus().isEmpty()) {
        started = started.compose(s -> confirmed().compose(v -> steps.stopAll(found.surplus())).map(s));
      }
      String reason = "it no longer answered when this manager took over";
      return started.onSuccess(s -> found.lost().forEach(r -> {
        events.down(r.info(), reason);
        down(r.name(), reason, settings.epoch());
      }));
    }));
    // the first listing is applied once the take-over is done (it queues behind it), and answered from then on
    return following == null ? taken : taken.compose(s -> following.start()).compose(v -> serialized(this::reconcile));
  }

  /** The set as it is now. */
  JsonObject snapshot() {
    return replicas.snapshot(settings.epoch(), settings.managerId());
  }

  /** Whether it acts now: it has not stepped down, nor been cut off from the quorum since it last resumed. */
  boolean acting() {
    return acting && !stopping && !suspended && authority.quorum();
  }

  /**
   * Its node lost the quorum: it changes nothing (its authority fails every check) and does not count as acting until
   * it {@link #resume resumes}, or learns that it was replaced.
   */
  void suspend() {
    suspended = true;
  }

  /** {@code /add}: starts the replicas asked for; if any fails to start, the others are stopped and nothing changes. */
  Future<JsonObject> add(JsonObject body) {
    if (following != null) {
      return Future.failedFuture(new NotManaged("/add", following.source()));
    }
    return serialized(() -> {
      ScaleRequest request = ScaleRequest.parse(body, ScaleRequest.ADD_TOO_MANY_NAMES);
      List<ReplicaSet.Slot> slots = replicas.planAdd(request, settings.maxReplicas());
      return confirmed().compose(v -> startAll(slots, request.weight()));
    });
  }

  /**
   * {@code /rm}: takes the chosen replicas out of routing (the recorded and announced set no longer has them), lets
   * the requests under way on them end, then stops them.
   */
  Future<JsonObject> remove(JsonObject body) {
    if (following != null) {
      return Future.failedFuture(new NotManaged("/rm", following.source()));
    }
    return serialized(() -> {
      List<Replica> chosen = replicas.planRemove(ScaleRequest.parse(body, ScaleRequest.REMOVE_TOO_MANY_NAMES));
      return confirmed().compose(v -> {
        chosen.forEach(replicas::remove);
        return published();
      }).compose(snapshot -> drains.await(snapshot, chosen.stream().map(Replica::name).toList(), settings.drainMs())
          .compose(v -> stopRemoved(chosen))
          .map(snapshot));
    });
  }

  private Future<Void> stopRemoved(List<Replica> chosen) {
    return confirmed().transform(ar -> {
      if (ar.failed()) {
        LOG.log(Level.WARNING, "removed replicas {0} are left running ({1})", chosen.stream().map(Replica::name).toList(),
            ar.cause().getMessage());
        return Future.succeededFuture();
      }
      return steps.stopAll(chosen);
    });
  }

  /** Starts replicas of {@code weight} on {@code slots}; added to a set that serves already, they warm up. */
  private Future<JsonObject> startAll(List<ReplicaSet.Slot> slots, int weight) {
    return steps.startAll(slots).compose(started -> {
      Shaping shaping = joining().withWeight(weight);
      started.forEach(r -> replicas.add(r.shaped(shaping)));
      return published();
    });
  }

  /**
   * The shaping of a replica that joins now: it warms up (slow start) if the set serves already; the replicas a set
   * starts with start together, none warmer than another.
   */
  private Shaping joining() {
    return replicas.size() == 0 ? Shaping.DEFAULT : Shaping.DEFAULT.warmingFrom(wallClock.getAsLong());
  }

  /**
   * {@code PATCH /replicas/<name>}: a replica's weight or state changes, and the set is recorded and announced, so
   * that every balancer routes by it and a manager that takes over keeps it. A replica in maintenance that was
   * announced down meanwhile is replaced once it leaves maintenance.
   */
  Future<JsonObject> shape(JsonObject request) {
    return serialized(() -> {
      ShapeRequest change = ShapeRequest.parse(request);
      Replica replica = replicas.get(change.replica());
      if (replica == null) {
        throw new NoSuchReplica(change.replica());
      }
      Shaping next = change.applyTo(replica.shaping());
      if (next.equals(replica.shaping())) {
        return Future.succeededFuture(snapshot());
      }
      int units = replicas.units() - replica.shaping().weight() + next.weight();
      if (units > settings.maxReplicas()) {
        throw new BadRequestException("A weight of " + next.weight() + " for '" + replica.name() + "' makes "
            + units + " weight units: the ring holds " + settings.maxReplicas());
      }
      return confirmed().compose(v -> {
        replicas.update(replica.shaped(next));
        LOG.log(Level.INFO, "replica ''{0}'': weight {1}, state {2} (was {3}, {4})", replica.name(), next.weight(),
            next.state().json(), replica.shaping().weight(), replica.shaping().state().json());
        return published();
      }).onSuccess(s -> {
        if (next.state() != Shaping.State.MAINT && downInMaintenance.remove(replica.name()) && following == null
            && replacements.begin(replica.name())) {
          events.lifecycle(Lifecycle.Event.DOWN, replica.info(), "it went down in maintenance and left it");
        }
      });
    });
  }

  /** The heartbeat saw replica {@code name} answer again. */
  void up(String name) {
    downInMaintenance.remove(name);
  }

  /**
   * Replica {@code name} was announced down by the manager of {@code epoch}: if that is this one, it is replaced
   * (once, however often it is announced).
   */
  void down(String name, String reason, long epoch) {
    Replica replica = replicas.get(name);
    if (!acting || stopping || epoch != settings.epoch() || replica == null) {
      return;
    }
    if (following != null) {
      events.lifecycle(Lifecycle.Event.DOWN, replica.info(), reason + "; " + following.source() + " lists it, so it stays "
          + "out of routing until it answers again or is no longer listed");
    } else if (replica.shaping().state() == Shaping.State.MAINT) {
      if (downInMaintenance.add(name)) {
        events.lifecycle(Lifecycle.Event.DOWN, replica.info(), reason + "; in maintenance, so it is not replaced "
            + "unless it leaves maintenance still down");
      }
    } else if (replacements.begin(name)) {
      events.lifecycle(Lifecycle.Event.DOWN, replica.info(), reason);
    }
  }

  /** Queues a reconciliation with the latest listing; one that cannot be made now is made at the next listing. */
  private void follow() {
    serialized(this::reconcile).onFailure(err -> LOG.log(err instanceof NoQuorum ? Level.DEBUG : Level.WARNING,
        "the replica set does not follow {0} now: {1}", following.source(), err.getMessage()));
  }

  /**
   * An external set follows its listing: the replicas no longer listed leave (drained: balancers stop sending them new
   * requests and let those under way end; nothing is stopped), the listed ones that may join take the smallest free
   * ring ids, which they keep for as long as they are listed. Records and announces the set only if it changed.
   */
  private Future<JsonObject> reconcile() {
    Following.Plan plan = following.plan(replicas, settings.maxReplicas());
    if (plan.leaving().isEmpty() && plan.joining().isEmpty()) {
      return Future.succeededFuture(snapshot());
    }
    return confirmed().compose(v -> {
      plan.leaving().forEach(replicas::remove);
      // decided once for the listing: its first replicas all start warm
      Shaping shaping = joining();
      plan.joining().forEach((endpoint, admission) -> {
        Replica joined = new Replica(endpoint.toString(), replicas.freeRingId(), endpoint.host(), endpoint.port(),
            endpoint.toString()).shaped(shaping);
        replicas.add(joined);
        events.lifecycle(admission.event(), joined.info(), admission.detail());
      });
      return published();
    }).onSuccess(snapshot -> {
      if (!plan.leaving().isEmpty()) {
        drains.await(snapshot, plan.leaving().stream().map(Replica::name).toList(), settings.drainMs()).onComplete(ar ->
            plan.leaving().forEach(r -> events.lifecycle(Lifecycle.Event.REMOVED, r.info(), "no longer listed by "
                + following.source() + "; drained")));
      }
    });
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
    if (failed.shaping().state() == Shaping.State.MAINT) {
      // put in maintenance while its replacement waited: left alone, and replaced if it leaves maintenance still down
      downInMaintenance.add(name);
      return Future.succeededFuture();
    }
    String fresh = replicas.randomName();
    return confirmed()
        .compose(v -> steps.kill(failed))
        .compose(v -> {
          events.lifecycle(Lifecycle.Event.REPLACING, failed.info(), "by '" + fresh + "'");
          return steps.start(fresh, failed.ringId());
        })
        .compose(started -> {
          // its successor keeps its weight and state, and warms up (slow start)
          replicas.replace(failed, started.shaped(failed.shaping().warmingFrom(wallClock.getAsLong())));
          events.lifecycle(Lifecycle.Event.REPLACED, failed.info(), "by '" + fresh + "' at " + started.address());
          return published();
        })
        .mapEmpty();
  }

  /**
   * Its node sees a quorum again and it is still the manager: it counts as acting again, and announces the set again
   * for the nodes that were cut off (replacements held for the quorum go on at their next try).
   */
  void resume() {
    suspended = false;
    if (!acting || stopping) {
      return;
    }
    LOG.log(Level.INFO, "replica manager of epoch {0} acts again", settings.epoch());
    events.changed(snapshot());
    if (following != null) {
      // a listing heard while cut off changed nothing: the latest one is applied now
      follow();
    }
  }

  /** The state of its discovery for the node's admin port (see {@link Following#state}); null if it runs its replicas. */
  JsonObject discoveryState() {
    return following == null ? null : following.state();
  }

  /** Whether it has not stepped down (whatever its quorum). */
  boolean active() {
    return acting;
  }

  /**
   * A snapshot heard on the bus: one of a newer epoch, or of this epoch by another manager (two parts of a cluster
   * that ran apart and met again), means this manager is no longer the one.
   */
  void heard(JsonObject snapshot) {
    Stamp seen = Stamp.of(snapshot);
    String by = ReplicaMessages.manager(snapshot);
    if (seen.epoch() > settings.epoch() || seen.epoch() == settings.epoch() && !by.equals(settings.managerId())) {
      stepDown("a manager of epoch " + seen.epoch() + " (" + by + ") is active");
    }
  }

  /** Stops acting for good: no more answers, changes or replacements; the replicas run on for the next manager. */
  void stepDown(String why) {
    if (!acting) {
      return;
    }
    acting = false;
    LOG.log(Level.WARNING, "replica manager of epoch {0} steps down: {1}", settings.epoch(), why);
    if (following != null) {
      following.stop();
    }
    backend.release();
    events.steppedDown(why);
  }

  /**
   * The manager stops with its node: it stops its replicas if it may still act (the last manager of a cluster, or the
   * only one); otherwise it leaves them to the manager that replaced it, or to their leases.
   */
  Future<Void> stop() {
    stopping = true;
    if (!acting) {
      return backend.close();
    }
    if (following != null) {
      // someone else runs them: they run on
      following.stop();
      return backend.close();
    }
    return authority.confirm(settings.epoch()).transform(ar -> {
      if (ar.failed()) {
        LOG.log(Level.WARNING, "the replica manager stops without stopping its replicas: {0}", ar.cause().getMessage());
        backend.release();
      } else {
        replicas.all().forEach(r -> events.lifecycle(Lifecycle.Event.REMOVED, r.info(), "the replica manager stops"));
      }
      return backend.close();
    });
  }

  /** Records the set, then announces it; a manager that finds a newer one recorded steps down instead. */
  private Future<JsonObject> published() {
    JsonObject snapshot = snapshot();
    downInMaintenance.removeIf(name -> replicas.get(name) == null);
    return store.save(snapshot)
        .recover(err -> {
          if (err instanceof Deposed) {
            stepDown(err.getMessage());
            return Future.failedFuture(err);
          }
          // the set changed either way: followers must hear of it even if it could not be recorded
          LOG.log(Level.ERROR, "could not record replica set " + Stamp.of(snapshot), err);
          return Future.succeededFuture();
        })
        .map(v -> {
          events.changed(snapshot);
          return snapshot;
        });
  }

  /** Completes if this manager may act now; steps down if a newer one was found. */
  private Future<Void> confirmed() {
    return authority.confirm(settings.epoch()).onFailure(err -> {
      if (err instanceof Deposed) {
        stepDown(err.getMessage());
      }
    });
  }

  /** Runs {@code op} after every operation queued before it, so changes of the set never interleave. */
  private <T> Future<T> serialized(Supplier<Future<T>> op) {
    Future<T> result = queue.transform(ignored -> {
      if (!acting) {
        return Future.failedFuture(new IllegalStateException("<Error> This replica manager is no longer active"));
      }
      try {
        return op.get();
      } catch (BadRequestException | NoQuorum | NoSuchReplica e) {
        return Future.failedFuture(e);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "replica manager operation failed unexpectedly", e);
        return Future.failedFuture(e);
      }
    });
    queue = result;
    return result;
  }
}
