package dev.lb.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Where the active manager records the replica set after every change. A manager that takes over reads it to find the
 * replicas its predecessor ran; a balancer that starts, or whose node sees the cluster again after a partition, reads
 * it to route before (or besides) any manager's announcement.
 */
public interface ReplicaStore {

  /** The shared-data map it is kept in; its one key holds the last snapshot (see {@link Addresses#REPLICAS_CHANGED}). */
  String MAP = "lb.replica-set";

  /** The last recorded snapshot, or null if no manager recorded one yet. */
  Future<JsonObject> load();

  /**
   * Records {@code snapshot} unless one of a newer epoch is there (then fails with {@link Deposed}). Not atomic: the
   * followers' own epoch check is what fences a deposed manager; this one makes it notice.
   */
  Future<Void> save(JsonObject snapshot);

  /**
   * The store in Vert.x shared data: a cluster-wide map (with a backup on another member, and readable and writable
   * only with a quorum) when Vert.x is clustered, a local one otherwise.
   */
  static ReplicaStore shared(Vertx vertx) {
    return new SharedReplicaStore(vertx);
  }
}
