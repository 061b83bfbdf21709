package dev.lb.api;

import dev.lb.bus.Addresses;
import dev.lb.bus.BadRequestException;
import dev.lb.bus.Failures;
import dev.lb.bus.NoSuchReplica;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Shaping;
import dev.lb.http.Replies;
import dev.lb.metrics.SystemMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code GET /replicas}, {@code GET /replicas/<name>} and {@code PATCH /replicas/<name>}: each replica's weight and
 * state, changed by the replica manager over the bus ({@link Addresses#REPLICA_SHAPE}), in the API's shape. Routes
 * of {@link AdminApi}, which guards the {@code PATCH} as it guards {@code /add}.
 */
final class ReplicaEndpoint {

  private static final String METER = "replicas";

  private final Vertx vertx;
  private final Supplier<Future<JsonObject>> current;
  private final Supplier<Future<Void>> quorum;
  private final Consumer<JsonObject> newerSet;
  private final long busTimeoutMs;
  private final SystemMetrics metrics;

  /** {@code current}: the set now; {@code quorum}: fails if this node may not change it; {@code newerSet}: hears answers. */
  ReplicaEndpoint(Vertx vertx, Supplier<Future<JsonObject>> current, Supplier<Future<Void>> quorum,
      Consumer<JsonObject> newerSet, long busTimeoutMs, SystemMetrics metrics) {
    this.vertx = vertx;
    this.current = current;
    this.quorum = quorum;
    this.newerSet = newerSet;
    this.busTimeoutMs = busTimeoutMs;
    this.metrics = metrics;
  }

  /** {@code GET /replicas}: every replica, in the set's order. */
  void list(RoutingContext ctx) {
    current.get().onSuccess(snapshot -> {
      metrics.admin(METER, 200);
      Replies.success(ctx.response(), new JsonArray(ReplicaMessages.replicas(snapshot).stream()
          .map(ReplicaEndpoint::shown).toList()));
    });
  }

  /** {@code GET /replicas/<name>}: one replica, its weight and state. */
  void one(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    current.get().onSuccess(snapshot -> {
      ReplicaInfo found = ReplicaMessages.replicaNamed(snapshot, name);
      if (found == null) {
        metrics.admin(METER, Failures.NOT_FOUND);
        Replies.failure(ctx.response(), Failures.NOT_FOUND, new NoSuchReplica(name).getMessage());
      } else {
        metrics.admin(METER, 200);
        Replies.success(ctx.response(), shown(found));
      }
    });
  }

  /** {@code PATCH /replicas/<name>} with {"weight": 2}, {"state": "drain"} or both: the manager changes it. */
  void shape(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    JsonObject change;
    try {
      change = AdminApi.jsonObject(ctx.body().buffer(), Shaping.CHANGE_SHAPE);
    } catch (BadRequestException e) {
      metrics.admin(METER, Failures.BAD_REQUEST);
      Replies.failure(ctx.response(), Failures.BAD_REQUEST, e.getMessage());
      return;
    }
    quorum.get()
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.REPLICA_SHAPE,
            ReplicaMessages.shapeRequest(name, change), ReplicaMessages.within(busTimeoutMs)))
        .onSuccess(reply -> {
          newerSet.accept(reply.body());
          metrics.admin(METER, 200);
          ReplicaInfo shaped = ReplicaMessages.replicaNamed(reply.body(), name);
          Replies.success(ctx.response(), shaped == null ? new JsonObject() : shown(shaped));
        })
        .onFailure(err -> {
          metrics.admin(METER, Failures.statusFor(err));
          AdminApi.failed(ctx, err);
        });
  }

  /**
   * A replica as {@code /replicas} shows it: name, ring id, address, instance (a process id, a container id...), weight,
   * state, and since when it warms up, if it does.
   */
  static JsonObject shown(ReplicaInfo replica) {
    JsonObject json = new JsonObject().put("name", replica.name()).put("ringId", replica.ringId())
        .put("address", replica.address()).put("instance", replica.instance()).put(Shaping.WEIGHT, replica.shaping().weight())
        .put(Shaping.STATE, replica.shaping().state().json());
    if (replica.shaping().warmingFrom() > 0) {
      json.put("warmingFrom", Instant.ofEpochMilli(replica.shaping().warmingFrom()).toString());
    }
    return json;
  }
}
