package dev.lb.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

/** {@link ReplicaStore} on a map of Vert.x shared data. */
final class SharedReplicaStore implements ReplicaStore {

  private static final String KEY = "current";

  private static final int SAVE_TRIES = 5;

  private final Vertx vertx;

  SharedReplicaStore(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<JsonObject> load() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> map.get(KEY));
  }

  /**
   * Compares and sets, so that a manager's record never overwrites a newer manager's that came in between its read and
   * its write; tried again (a few times) when another write came in between.
   */
  @Override
  public Future<Void> save(JsonObject snapshot) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> save(map, snapshot, SAVE_TRIES));
  }

  private Future<Void> save(AsyncMap<String, JsonObject> map, JsonObject snapshot, int tries) {
    Stamp mine = Stamp.of(snapshot);
    return map.get(KEY).compose(stored -> {
      if (stored != null && Stamp.of(stored).epoch() > mine.epoch()) {
        return Future.failedFuture(new Deposed(mine.epoch(), Stamp.of(stored).epoch(), "recorded the replica set"));
      }
      Future<Boolean> written = stored == null ? map.putIfAbsent(KEY, snapshot).map(previous -> previous == null)
          : map.replaceIfPresent(KEY, stored, snapshot);
      return written.compose(done -> {
        if (done) {
          return Future.succeededFuture();
        }
        return tries > 1 ? save(map, snapshot, tries - 1)
            : Future.failedFuture(new IllegalStateException("the recorded set kept changing under this manager's write"));
      });
    });
  }
}
