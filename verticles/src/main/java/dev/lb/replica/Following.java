package dev.lb.replica;

import dev.lb.bus.Lifecycle;
import dev.lb.replica.Discovery.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the manager of an external set knows of its {@link Discovery}: the latest listing, which listed replicas may
 * join the set, and whether the last look-up worked. Replicas of the first listing join at once (the heartbeat takes
 * out those that do not answer); one listed later joins once it answers its health path, so that it takes no request
 * while it boots (or, if it never does within the start timeout, joins anyway and stays down until it answers). A
 * look-up that fails changes nothing: the last listing stands, and the state says so until a look-up works again.
 * Every listing asks the manager to {@code reconcile} its set with {@link #joinable} and {@link #listed}.
 */
final class Following implements Discovery.Listener {

  private static final System.Logger LOG = System.getLogger(Following.class.getName());

  /** Why a listed replica may join: the lifecycle event that tells it, and its detail. */
  record Admission(Lifecycle.Event event, String detail) { }

  /** A change of the set: the replicas that leave it, and those that join it (in the listing's order), with why. */
  record Plan(List<Replica> leaving, Map<Endpoint, Admission> joining) { }

  private final Discovery discovery;
  private final Runnable reconcile;
  private final Promise<Void> firstLook = Promise.promise();
  private Map<String, Endpoint> listed = Map.of();
  private final Map<String, Admission> admitted = new HashMap<>();
  private final Set<String> checking = new HashSet<>();
  private boolean listedOnce;
  private String failure;
  private long failingSince;
  private long lastListed;
  private boolean stopped;
  private int unplaced;

  /** Follows {@code discovery}; {@code reconcile} queues the manager's reconciliation of its set. */
  Following(Discovery discovery, Runnable reconcile) {
    this.discovery = discovery;
    this.reconcile = reconcile;
  }

  String source() {
    return discovery.source();
  }

  /**
   * Starts listing; completes once the first look-up is done, whether it worked or not, and fails if listing stops
   * before that (the manager stepped down during its start), so that the start never waits for a look-up that will
   * not be reported.
   */
  Future<Void> start() {
    if (stopped) {
      return Future.failedFuture(new IllegalStateException("stopped before its first listing"));
    }
    discovery.start(this);
    return firstLook.future();
  }

  /** Stops listing (the manager stepped down or stops). */
  void stop() {
    stopped = true;
    discovery.stop();
    firstLook.tryFail(new IllegalStateException("stopped before its first listing"));
  }

  /** Whether the latest listing lists {@code name}; everything is listed before the first look-up worked. */
  boolean listed(String name) {
    return !listedOnce || listed.containsKey(name);
  }

  /**
   * What makes {@code set} follow the latest listing: the replicas no longer listed leave, the listed ones that may join
   * and are not members join, as many as the ring has room for ({@code max} in all).
   */
  Plan plan(ReplicaSet set, int max) {
    List<Replica> leaving = set.all().stream().filter(r -> !listed(r.name())).toList();
    Map<Endpoint, Admission> joining = new LinkedHashMap<>();
    int room = max - set.size() + leaving.size();
    int left = 0;
    for (Map.Entry<String, Endpoint> entry : listed.entrySet()) {
      Admission admission = admitted.get(entry.getKey());
      if (admission != null && set.get(entry.getKey()) == null) {
        if (joining.size() < room) {
          joining.put(entry.getValue(), admission);
        } else {
          left++;
        }
      }
    }
    if (left > 0 && left != unplaced) {
      LOG.log(Level.WARNING, "{0} lists {1} replicas more than the ring has room for ({2}, replicas.max): they are left "
          + "out", source(), left, max);
    }
    unplaced = left;
    return new Plan(leaving, joining);
  }

  @Override
  public void listed(List<Endpoint> endpoints) {
    if (stopped) {
      return;
    }
    if (failure != null) {
      LOG.log(Level.INFO, "{0} lists {1} replicas again, after {2} ms of failed look-ups", source(), endpoints.size(),
          System.currentTimeMillis() - failingSince);
      failure = null;
    }
    lastListed = System.currentTimeMillis();
    Map<String, Endpoint> now = new LinkedHashMap<>();
    endpoints.forEach(e -> now.put(e.toString(), e));
    listed = now;
    admitted.keySet().retainAll(now.keySet());
    for (Endpoint endpoint : endpoints) {
      String name = endpoint.toString();
      if (!listedOnce) {
        admitted.put(name, new Admission(Lifecycle.Event.ADOPTED, "listed by " + source()));
      } else if (!admitted.containsKey(name) && checking.add(name)) {
        discovery.ready(endpoint).onComplete(ar -> {
          checking.remove(name);
          if (stopped || !listed.containsKey(name)) {
            return;
          }
          String detail = "listed by " + source() + (ar.succeeded() ? ", answers its health path"
              : ", joins without answering its health path (" + ar.cause().getMessage() + ")");
          admitted.put(name, new Admission(Lifecycle.Event.STARTED, detail));
          reconcile.run();
        });
      }
    }
    listedOnce = true;
    reconcile.run();
    firstLook.tryComplete();
  }

  @Override
  public void failed(String why) {
    if (stopped) {
      return;
    }
    if (failure == null) {
      failingSince = System.currentTimeMillis();
      LOG.log(Level.WARNING, "{0}: the look-up failed ({1}); the replica set stays as last listed until it works again",
          source(), why);
    } else if (!failure.equals(why)) {
      LOG.log(Level.WARNING, "{0}: the look-up still fails, now with: {1}", source(), why);
    }
    failure = why;
    firstLook.tryComplete();
  }

  /**
   * The state for the node's admin port: {"source", "listed": n, "looking": "ok" | "failing", "error", "failingSince",
   * "lastListed"} (times in ms since the epoch, 0 if never).
   */
  JsonObject state() {
    return new JsonObject().put("source", source()).put("listed", listed.size())
        .put("looking", failure == null ? "ok" : "failing").put("error", failure)
        .put("failingSince", failure == null ? 0 : failingSince).put("lastListed", lastListed);
  }
}
