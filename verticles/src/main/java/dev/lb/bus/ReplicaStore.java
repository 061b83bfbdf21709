package dev.lb.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Where the active manager records the replica set after every change: a map of Vert.x shared data, cluster-wide
 * (with a backup on another member) when Vert.x is clustered, local otherwise. A manager that takes over reads it to
 * find the replicas its predecessor ran; a balancer that starts reads it to route before any manager answers.
 */
public final class ReplicaStore {

  /** The name of the map; its one key holds the last snapshot (see {@link Addresses#REPLICAS_CHANGED}). */
  public static final String MAP = "lb.replica-set";
  private static final String KEY = "current";

  /** A newer manager has recorded the set: the one that tried is no longer the active one. */
  public static final class Deposed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Deposed(Stamp mine, Stamp stored) {
      super("a newer manager (epoch " + stored.epoch() + ") recorded the replica set; this one (epoch " + mine.epoch()
          + ") steps down", null, false, false);
    }
  }

  private final Vertx vertx;

  public ReplicaStore(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The last recorded snapshot, or null if no manager recorded one yet. */
  public Future<JsonObject> load() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> map.get(KEY));
  }

  /**
   * Records {@code snapshot} unless one of a newer epoch is there (then fails with {@link Deposed}). Not atomic: the
   * followers' own epoch check is what fences a deposed manager; this one makes it notice.
   */
  public Future<Void> save(JsonObject snapshot) {
    Stamp mine = Stamp.of(snapshot);
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> map.get(KEY).compose(stored -> {
      if (stored != null && Stamp.of(stored).epoch() > mine.epoch()) {
        return Future.failedFuture(new Deposed(mine, Stamp.of(stored)));
      }
      return map.put(KEY, snapshot);
    }));
  }
}
