package dev.lb.api;

import dev.lb.bus.Addresses;
import dev.lb.bus.BadRequestException;
import dev.lb.bus.Failures;
import dev.lb.bus.NoQuorum;
import dev.lb.bus.NodeMessages;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.http.Replies;
import dev.lb.metrics.SystemMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The assignment's API: {@code GET /rep}, {@code POST /add}, {@code DELETE /rm} (and {@code POST /rm}), answered by the
 * replica manager over the event bus. Mounted twice: on the balancer's port ({@code BalancerVerticle} sends it the
 * paths it {@link #owns}) and on the admin port under {@code /api} ({@code AdminVerticle}). The only routes that read a
 * body whole.
 */
public final class AdminApi {

  private static final System.Logger LOG = System.getLogger(AdminApi.class.getName());
  private static final String BODY_SHAPE = "Request body must be a JSON object like {\"n\": 1, \"hostnames\": [\"S5\"]}";
  /** Largest body of {@code /add} and {@code /rm}. */
  private static final long BODY_LIMIT = 64 * 1024;
  /** How long a query of the manager may take before a balancer answers from its own copy of the set. */
  private static final long QUERY_TIMEOUT_MS = 3000;
  /** The quorum is asked of this node alone: it answers at once. */
  private static final long QUORUM_QUERY_MS = 1000;

  private final Vertx vertx;
  private final Supplier<JsonObject> routedSet;
  private final Consumer<JsonObject> newerSet;
  private final ApiGuard guard;
  private final long busTimeoutMs;
  private final SystemMetrics metrics;
  private final ReplicaEndpoint perReplica;
  private final Router router;

  /**
   * The API over the manager at the other end of the bus. {@code routedSet} is the set to show when no manager
   * answers; {@code newerSet} hears each snapshot the manager answers with.
   */
  public AdminApi(Vertx vertx, Supplier<JsonObject> routedSet, Consumer<JsonObject> newerSet, ApiGuard guard,
      long busTimeoutMs, SystemMetrics metrics) {
    this.vertx = vertx;
    this.routedSet = routedSet;
    this.newerSet = newerSet;
    this.guard = guard;
    this.busTimeoutMs = busTimeoutMs;
    this.metrics = metrics;
    this.perReplica = new ReplicaEndpoint(vertx, this::current, this::quorum, newerSet, busTimeoutMs, metrics);
    this.router = routes();
  }

  /** The routes, to mount elsewhere (the admin port mounts them under {@code /api}). */
  public Router router() {
    return router;
  }

  /** The path of the per-replica endpoint, {@code /replicas/<name>}, on the balancer port as on the admin port. */
  public static final String REPLICAS = "/replicas";

  /** Whether {@code path} is one of the API's own, not a path of the replicas. */
  public static boolean owns(String path) {
    return path.length() <= 4 ? path.equals("/rep") || path.equals("/add") || path.equals("/rm")
        : path.startsWith(REPLICAS) && (path.length() == REPLICAS.length() || path.charAt(REPLICAS.length()) == '/');
  }

  /** Answers {@code req}, one of the paths it {@link #owns}. */
  public void handle(HttpServerRequest req) {
    router.handle(req);
  }

  private Router routes() {
    Router r = Router.router(vertx);
    r.route("/add").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(guard::check);
    r.route("/rm").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(guard::check);
    r.patch(REPLICAS + "/:name").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(guard::check);
    r.get("/rep").handler(this::replicas);
    r.get(REPLICAS).handler(perReplica::list);
    r.get(REPLICAS + "/:name").handler(perReplica::one);
    r.patch(REPLICAS + "/:name").handler(perReplica::shape);
    r.route(REPLICAS).handler(ctx -> wrongMethod(ctx, "GET"));
    r.route(REPLICAS + "/:name").handler(ctx -> wrongMethod(ctx, "GET, PATCH"));
    r.post("/add").handler(ctx -> scale(ctx, Addresses.REPLICAS_ADD));
    r.delete("/rm").handler(ctx -> scale(ctx, Addresses.REPLICAS_REMOVE));
    r.post("/rm").handler(ctx -> scale(ctx, Addresses.REPLICAS_REMOVE));
    r.route("/rep").handler(ctx -> wrongMethod(ctx, "GET"));
    r.route("/add").handler(ctx -> wrongMethod(ctx, "POST"));
    r.route("/rm").handler(ctx -> wrongMethod(ctx, "DELETE, POST"));
    r.errorHandler(413, ctx -> Replies.failure(ctx.response(), 413, "<Error> Request body is larger than " + BODY_LIMIT + " bytes"));
    r.errorHandler(400, ctx -> Replies.failure(ctx.response(), 400, "<Error> Malformed request"));
    r.errorHandler(500, ctx -> {
      LOG.log(Level.ERROR, "unexpected failure on " + ctx.request().method() + " " + ctx.request().path(), ctx.failure());
      Replies.failure(ctx.response(), 500, "<Error> Internal error of the load balancer");
    });
    return r;
  }

  /**
   * The set as the manager holds it now; if no manager answers (a takeover under way), the set this balancer routes
   * with, which is the last one the manager published.
   */
  private void replicas(RoutingContext ctx) {
    current().onSuccess(snapshot -> {
      metrics.admin("rep", 200);
      Replies.success(ctx.response(), ReplicaMessages.replicaList(snapshot));
    });
  }

  /** The set as the manager holds it now, or, if no manager answers, the one this balancer routes with. */
  Future<JsonObject> current() {
    return vertx.eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject(),
            ReplicaMessages.within(Math.min(busTimeoutMs, QUERY_TIMEOUT_MS)))
        .map(reply -> {
          newerSet.accept(reply.body());
          return reply.body();
        })
        .recover(err -> {
          JsonObject routed = routedSet.get();
          LOG.log(Level.WARNING, "the replica manager did not answer ({0}); answered with the set this balancer "
              + "routes with ({1})", err.getMessage(), Stamp.of(routed));
          return Future.succeededFuture(routed);
        });
  }

  private void scale(RoutingContext ctx, String address) {
    JsonObject body;
    try {
      body = jsonObject(ctx.body().buffer(), BODY_SHAPE);
    } catch (BadRequestException e) {
      metrics.admin(Addresses.REPLICAS_ADD.equals(address) ? "add" : "rm", 400);
      Replies.failure(ctx.response(), 400, e.getMessage());
      return;
    }
    String action = Addresses.REPLICAS_ADD.equals(address) ? "add" : "rm";
    quorum()
        .compose(v -> vertx.eventBus().<JsonObject>request(address, body, ReplicaMessages.within(busTimeoutMs)))
        .onSuccess(reply -> {
          newerSet.accept(reply.body());
          metrics.admin(action, 200);
          Replies.success(ctx.response(), ReplicaMessages.replicaList(reply.body()));
        })
        .onFailure(err -> {
          metrics.admin(action, Failures.statusFor(err));
          failed(ctx, err);
        });
  }

  /**
   * Fails with {@link NoQuorum} if this node is cut off from the cluster's quorum: the manager could not change the set,
   * and may not even be reachable. A node that is not clustered has nobody to answer, and always may.
   */
  Future<Void> quorum() {
    return vertx.eventBus().<JsonObject>request(Addresses.NODE_QUORUM, new JsonObject(), ReplicaMessages.within(QUORUM_QUERY_MS))
        .transform(ar -> {
          if (ar.failed()) {
            return Future.succeededFuture();
          }
          JsonObject quorum = ar.result().body();
          return NodeMessages.present(quorum) ? Future.succeededFuture()
              : Future.failedFuture(new NoQuorum(NodeMessages.needed(quorum)));
        });
  }

  /** {@code body} as a JSON object, or a {@link BadRequestException} saying it should look like {@code shape}. */
  static JsonObject jsonObject(Buffer body, String shape) {
    if (body == null || body.length() == 0) {
      throw new BadRequestException(shape);
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new BadRequestException("Malformed JSON body: " + firstLine(e.getMessage()));
    }
    if (!(value instanceof JsonObject object)) {
      throw new BadRequestException(shape);
    }
    return object;
  }

  private static String firstLine(String text) {
    String line = text == null ? "" : text.lines().findFirst().orElse("");
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }

  /** Answers {@code ctx} with the status and message a failed call of the manager stands for. */
  static void failed(RoutingContext ctx, Throwable err) {
    int status = Failures.statusFor(err);
    if (status == Failures.METHOD_NOT_ALLOWED) {
      // the orchestrator runs the replicas: no method changes them here
      ctx.response().putHeader(HttpHeaders.ALLOW, "");
    }
    if (status >= 500) {
      LOG.log(Level.WARNING, "{0} {1} failed: {2}", ctx.request().method(), ctx.request().path(), err.getMessage());
    }
    Replies.failure(ctx.response(), status, Failures.messageFor(err));
  }

  private static void wrongMethod(RoutingContext ctx, String allowed) {
    ctx.response().putHeader(HttpHeaders.ALLOW, allowed);
    Replies.failure(ctx.response(), 405, "<Error> Method " + ctx.request().method() + " is not allowed on '"
        + ctx.request().path() + "'; use " + allowed.replace(", ", " or "));
  }
}
