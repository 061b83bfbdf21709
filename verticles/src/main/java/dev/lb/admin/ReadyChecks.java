package dev.lb.admin;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code /health/ready}: UP (200) while a balancer would find a replica for a request ({@link NodeView#serves()}), DOWN
 * (503) otherwise; a check per replica in the body (Vert.x Health Checks), UP while it is routable. All of it from what
 * the bus announced: nothing is probed for it, so it can be scraped every second. The checks follow the set: one is
 * registered when a replica joins and removed when it leaves, never per request.
 */
final class ReadyChecks {

  private final NodeView view;
  private final HealthChecks checks;
  private final Supplier<JsonObject> cluster;
  private final Set<String> checked = new HashSet<>();

  /** Checks of {@code view}'s replicas; {@code cluster} is this node's place in the cluster, shown beside them. */
  ReadyChecks(Vertx vertx, NodeView view, Supplier<JsonObject> cluster) {
    this.view = view;
    this.checks = HealthChecks.create(vertx);
    this.cluster = cluster;
  }

  /** The view has a new set: the checks follow it. */
  void follow() {
    Set<String> now = new HashSet<>();
    view.replicas().forEach(r -> now.add(r.name()));
    Set.copyOf(checked).stream().filter(name -> !now.contains(name)).forEach(name -> {
      checks.unregister("replicas/" + name);
      checked.remove(name);
    });
    view.replicas().stream().filter(r -> checked.add(r.name())).forEach(r -> {
      JsonObject data = new JsonObject().put("ringId", r.ringId()).put("address", r.address());
      checks.register("replicas/" + r.name(), p -> p.complete(view.routable(r.name()) ? Status.OK(data) : Status.KO(data)));
    });
  }

  void answer(RoutingContext ctx) {
    checks.checkStatus("replicas").onComplete(ar -> {
      boolean any = view.serves();
      JsonObject body = ar.succeeded() ? ar.result().toJson() : new JsonObject();
      // a node without quorum still serves (from the set it has): ready, and it says so
      body.put("status", any ? "UP" : "DOWN").put("outcome", any ? "UP" : "DOWN").put("cluster", cluster.get());
      ctx.response().setStatusCode(any ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
    });
  }
}
