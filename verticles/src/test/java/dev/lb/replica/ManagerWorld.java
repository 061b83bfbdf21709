package dev.lb.replica;

import dev.lb.bus.Deposed;
import dev.lb.bus.Lifecycle;
import dev.lb.bus.NoQuorum;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Stamp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Everything around a {@link ReplicaManager}, scripted and recorded in plain Java (no Vert.x instance, no process): a
 * backend, a store, an authority, the drains, the timers and what the manager tells. Futures complete at once unless a
 * test holds them.
 */
final class ManagerWorld {

  /** What happened, in order: "start Server 1", "kill Server 2", "changed 1.3", "lifecycle DOWN Server 2", ... */
  final List<String> log = new ArrayList<>();
  /** Names whose start fails. */
  final Set<String> failingStarts = new HashSet<>();
  /** Whether every start fails. */
  boolean failAllStarts;
  /** Names of recorded replicas that still answer, for a take-over. */
  final Set<String> alive = new HashSet<>();
  /** Running replicas the backend finds beside the recorded ones (labelled containers), for a take-over. */
  final List<Replica> strays = new ArrayList<>();
  /** Timers due, in the order they were set: their delays and actions. */
  final List<Long> delays = new ArrayList<>();
  private final List<Runnable> due = new ArrayList<>();
  /** Drains wait on this when set, else end at once. */
  Promise<Void> drain;
  JsonObject recorded;
  boolean quorum = true;
  /** An epoch elected after the manager's, 0 if none. */
  long newerEpoch;
  boolean steppedDown;
  private int pids = 100;
  /** Set to make the backend's replicas someone else's, listed by this discovery. */
  ScriptedDiscovery discovery;

  /** A discovery whose listings and readiness the test tells. */
  final class ScriptedDiscovery implements Discovery {
    Discovery.Listener listener;
    /** Readiness waits under way, by name; they end when the test completes or fails them. */
    final Map<String, Promise<Void>> readiness = new HashMap<>();
    boolean stopped;

    @Override
    public String source() {
      return "scripted list";
    }

    @Override
    public void start(Discovery.Listener listener) {
      this.listener = listener;
    }

    @Override
    public Future<Void> ready(Endpoint endpoint) {
      log.add("ready? " + endpoint);
      Promise<Void> promise = Promise.promise();
      readiness.put(endpoint.toString(), promise);
      return promise.future();
    }

    @Override
    public void stop() {
      stopped = true;
    }

    /** Lists {@code addresses} ({@code host:port}). */
    void list(String... addresses) {
      listener.listed(java.util.Arrays.stream(addresses).map(Endpoint::parse).toList());
    }
  }

  final ReplicaBackend backend = new ReplicaBackend() {
    @Override
    public Future<List<Replica>> adopt(List<Replica> previous) {
      if (discovery != null) {
        // as DiscoveredBackend: the listing, not an answer, says who stays
        return Future.succeededFuture(previous);
      }
      List<Replica> found = new ArrayList<>(previous.stream().filter(r -> alive.contains(r.name())).toList());
      found.addAll(strays);
      return Future.succeededFuture(found);
    }

    @Override
    public Future<Replica> start(String name, int ringId) {
      log.add("start " + name);
      if (failAllStarts || failingStarts.contains(name)) {
        return Future.failedFuture("scripted start failure of " + name);
      }
      int pid = ++pids;
      return Future.succeededFuture(new Replica(name, ringId, "127.0.0.1", 9000 + pid, String.valueOf(pid)));
    }

    @Override
    public Future<Void> stop(Replica replica) {
      log.add("stop " + replica.name());
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> kill(Replica replica) {
      log.add("kill " + replica.name());
      return Future.succeededFuture();
    }

    @Override
    public void exitHandler(BiConsumer<Replica, String> handler) {
    }

    @Override
    public void release() {
      log.add("release");
    }

    @Override
    public Future<Void> close() {
      log.add("close");
      return Future.succeededFuture();
    }

    @Override
    public Optional<Discovery> discovery() {
      return Optional.ofNullable(discovery);
    }
  };

  final ReplicaStore store = new ReplicaStore() {
    @Override
    public Future<JsonObject> load() {
      return Future.succeededFuture(recorded);
    }

    @Override
    public Future<Void> save(JsonObject snapshot) {
      if (recorded != null && Stamp.of(recorded).epoch() > Stamp.of(snapshot).epoch()) {
        return Future.failedFuture(new Deposed(Stamp.of(snapshot).epoch(), Stamp.of(recorded).epoch(), "recorded the set"));
      }
      recorded = snapshot;
      return Future.succeededFuture();
    }
  };

  final Authority authority = new Authority() {
    @Override
    public boolean quorum() {
      return quorum;
    }

    @Override
    public Future<Void> confirm(long epoch) {
      if (!quorum) {
        return Future.failedFuture(new NoQuorum(2));
      }
      return newerEpoch > epoch ? Future.failedFuture(new Deposed(epoch, newerEpoch, "was elected"))
          : Future.succeededFuture();
    }
  };

  final ManagerEvents events = new ManagerEvents() {
    @Override
    public void changed(JsonObject snapshot) {
      log.add("changed " + Stamp.of(snapshot));
    }

    @Override
    public void down(ReplicaInfo replica, String reason) {
      log.add("announce down " + replica.name());
    }

    @Override
    public void lifecycle(Lifecycle.Event event, ReplicaInfo replica, String detail) {
      log.add("lifecycle " + event + " " + replica.name());
    }

    @Override
    public void steppedDown(String why) {
      steppedDown = true;
    }
  };

  final Drains drains = (snapshot, replicas, maxMs) -> {
    log.add("drain " + replicas);
    return drain == null ? Future.succeededFuture() : drain.future();
  };

  /** A manager of {@code epoch} in this world, wanting {@code replicas} at first. */
  ReplicaManager manager(long epoch, int replicas) {
    return new ReplicaManager(new ManagerSettings(epoch, "node-" + epoch, replicas, 10, 5000), backend, store, authority,
        events, drains, (ms, action) -> {
          delays.add(ms);
          due.add(action);
        }, new Random(1));
  }

  /** The result of {@code future}, which completes at once in this world; fails the test if it failed. */
  static <T> T done(Future<T> future) {
    org.junit.jupiter.api.Assertions.assertTrue(future.isComplete(), "completed at once in the scripted world");
    if (future.failed()) {
      throw new AssertionError("failed: " + future.cause().getMessage(), future.cause());
    }
    return future.result();
  }

  /** Runs the timers due now (their actions may set new ones, which wait for the next call). */
  void runTimers() {
    List<Runnable> now = new ArrayList<>(due);
    due.clear();
    now.forEach(Runnable::run);
  }

  /** The log's lines that start with {@code prefix}. */
  List<String> lines(String prefix) {
    return log.stream().filter(line -> line.startsWith(prefix)).toList();
  }

  static List<String> names(Collection<ReplicaInfo> replicas) {
    return replicas.stream().map(ReplicaInfo::name).toList();
  }
}
