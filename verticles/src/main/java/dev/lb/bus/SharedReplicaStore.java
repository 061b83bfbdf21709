package dev.lb.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** {@link ReplicaStore} on a map of Vert.x shared data. */
final class SharedReplicaStore implements ReplicaStore {

  private static final String KEY = "current";

  private final Vertx vertx;

  SharedReplicaStore(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<JsonObject> load() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> map.get(KEY));
  }

  @Override
  public Future<Void> save(JsonObject snapshot) {
    Stamp mine = Stamp.of(snapshot);
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> map.get(KEY).compose(stored -> {
      if (stored != null && Stamp.of(stored).epoch() > mine.epoch()) {
        return Future.failedFuture(new Deposed(mine.epoch(), Stamp.of(stored).epoch(), "recorded the replica set"));
      }
      return map.put(KEY, snapshot);
    }));
  }
}
