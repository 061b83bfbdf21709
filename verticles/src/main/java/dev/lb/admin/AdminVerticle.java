package dev.lb.admin;

import dev.lb.api.AdminApi;
import dev.lb.api.ApiGuard;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaStore;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.metrics.ReplicaMetricsVerticle;
import dev.lb.metrics.SystemMetrics;
import dev.lb.ring.RequestKeys;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.lang.System.Logger.Level;

/**
 * The admin listener, on its own port ({@code admin.port}, 9901, on {@code admin.host}, 127.0.0.1), like Envoy's: so
 * nothing here shadows a path of the replicas.
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format, this node's registry;</li>
 *   <li>{@code GET /health/live}: the process answers; {@code GET /health/ready}: a balancer would find a replica for
 *       a request, with a check per replica (routable or not);</li>
 *   <li>{@code GET /dashboard}: a live page of the ring and the replicas, fed by {@code GET /api/events}
 *       (server-sent events) and {@code GET /api/state};</li>
 *   <li>{@code GET /api/lookup?key=K}: where a key lands;</li>
 *   <li>{@code GET /api/cluster}: whether this node sees a quorum, and whether a manager acts on it, asked now;</li>
 *   <li>{@code /api/rep}, {@code /api/add}, {@code /api/rm}: the assignment's API, with the admin token if one is set.</li>
 * </ul>
 */
public class AdminVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(AdminVerticle.class.getName());
  private static final long PUSH_MS = 1000;

  private final AdminSettings settings;
  private final PrometheusMeterRegistry registry;
  private final ProxyMetrics proxyMetrics;
  private final SystemMetrics systemMetrics;
  private NodeView view;
  private ReadyChecks ready;
  private StateStream stream;
  private HttpServer server;
  private long pushTimer;
  private JsonObject cluster = ClusterState.UNKNOWN;

  /** An admin listener over this node's metrics ({@code registry} null: metrics off, {@code /metrics} answers 404). */
  public AdminVerticle(AdminSettings settings, PrometheusMeterRegistry registry, ProxyMetrics proxyMetrics,
      SystemMetrics systemMetrics) {
    this.settings = settings;
    this.registry = registry;
    this.proxyMetrics = proxyMetrics;
    this.systemMetrics = systemMetrics;
  }

  @Override
  public Future<?> start() {
    view = new NodeView(settings.ringFactory(), proxyMetrics);
    ready = new ReadyChecks(vertx, view, () -> cluster);
    stream = new StateStream(vertx, this::state);
    listen(vertx.eventBus());
    pushTimer = vertx.setPeriodic(PUSH_MS, t -> {
      view.tick();
      ClusterState.now(vertx).onSuccess(now -> cluster = now).onComplete(ar -> stream.push());
    });
    AdminApi api = new AdminApi(vertx, view::snapshot, next -> stream.changed(applied(next)),
        new ApiGuard(settings.adminToken(), settings.allowedOrigins()),
        settings.busTimeoutMs(), systemMetrics);
    Future<Void> recorded = ReplicaStore.shared(vertx).load()
        .<Void>map(snapshot -> {
          stream.changed(snapshot != null && applied(snapshot));
          return null;
        })
        .recover(err -> {
          LOG.log(Level.INFO, "the recorded replica set cannot be read yet ({0}); the view starts empty", err.getMessage());
          return Future.succeededFuture();
        });
    // the meters of the set are the metrics' own; deployed from here, they start and stop with this listener
    return recorded
        .compose(v -> vertx.deployVerticle(new ReplicaMetricsVerticle(settings.ringFactory(), proxyMetrics, systemMetrics)))
        .compose(id -> {
          server = vertx.createHttpServer().requestHandler(router(api));
          return server.listen(settings.port(), settings.host());
        });
  }

  /** What the view hears: the set, what happens to its replicas, the node's outlier detector and quorum. */
  private void listen(EventBus bus) {
    bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> stream.changed(applied(msg.body())));
    bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> heard(view::down, msg.body()));
    bus.<JsonObject>consumer(Addresses.REPLICA_UP, msg -> heard(view::up, msg.body()));
    bus.<JsonObject>consumer(Addresses.REPLICA_SUSPECT, msg -> heard(view::suspect, msg.body()));
    bus.<JsonObject>localConsumer(Addresses.OUTLIER_EJECTED, msg -> heard(view::ejected, msg.body()));
    bus.<JsonObject>consumer(Addresses.LIFECYCLE, msg -> heard(view::lifecycle, msg.body()));
    bus.<JsonObject>localConsumer(Addresses.NODE_QUORUM_CHANGED, msg -> {
      cluster = ClusterState.quorumChanged(msg.body(), cluster);
      stream.changed(true);
      if (cluster.getBoolean("quorum")) {
        ReplicaStore.shared(vertx).load().onSuccess(recorded -> stream.changed(recorded != null && applied(recorded)));
      }
    });
  }

  /** An event for the view: applied, and the pages told. */
  private void heard(java.util.function.Consumer<JsonObject> into, JsonObject event) {
    into.accept(event);
    stream.changed(true);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pushTimer);
    stream.close();
    return Future.succeededFuture();
  }

  private Router router(AdminApi api) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    HealthChecks live = HealthChecks.create(vertx).register("process", promise -> promise.complete(
        io.vertx.ext.healthchecks.Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(ready::answer);
    router.get("/api/state").handler(ctx -> json(ctx, state()));
    router.get("/api/cluster").handler(ctx -> ClusterState.now(vertx).onSuccess(now -> json(ctx, now)));
    router.get("/api/events").handler(stream::open);
    router.get("/api/lookup").handler(this::lookup);
    router.route("/api/*").subRouter(api.router());
    router.get("/dashboard").handler(ctx -> ctx.reroute("/dashboard/index.html"));
    router.get("/").handler(ctx -> ctx.redirect("/dashboard/"));
    router.route("/dashboard/*").handler(StaticHandler.create("webroot/dashboard").setCachingEnabled(false));
    return router;
  }

  private void metrics(RoutingContext ctx) {
    if (registry == null) {
      ctx.response().setStatusCode(404).end("metrics are off (metrics.enabled)\n");
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
  }

  /** Applies a snapshot to the view; a newer one also brings the readiness checks up to its replicas. */
  private boolean applied(JsonObject snapshot) {
    if (!view.apply(snapshot)) {
      return false;
    }
    ready.follow();
    return true;
  }

  private JsonObject state() {
    return view.state(settings.facts()).put("cluster", cluster);
  }

  private void lookup(RoutingContext ctx) {
    String key = ctx.request().getParam("key", "");
    if (key.isBlank()) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("message", "<Error> give a key, as in /api/lookup?key=123456").put("status", "failure")
              .encode());
      return;
    }
    json(ctx, view.lookup(RequestKeys.of(key.trim())).put("key", key.trim()));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** The port it listens on; with {@code admin.port = 0}, the one the system chose. */
  public int actualPort() {
    return server.actualPort();
  }
}
