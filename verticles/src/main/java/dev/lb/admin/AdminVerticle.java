package dev.lb.admin;

import dev.lb.api.AdminApi;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import dev.lb.config.Settings;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.metrics.ReplicaMetricsVerticle;
import dev.lb.metrics.SystemMetrics;
import dev.lb.ring.RequestKeys;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Set;

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
  /** Questions to this node's own verticles are answered at once. */
  private static final long LOCAL_QUERY_MS = 1000;

  private final PrometheusMeterRegistry registry;
  private final ProxyMetrics proxyMetrics;
  private final SystemMetrics systemMetrics;
  private final Set<HttpServerResponse> listeners = new HashSet<>();
  private final Set<String> checked = new HashSet<>();
  private NodeView view;
  private HealthChecks replicaChecks;
  private HttpServer server;
  private JsonObject node;
  private long pushTimer;
  private JsonObject cluster = clusterOf(null, null);

  /** An admin listener over this node's metrics ({@code registry} null: metrics off, {@code /metrics} answers 404). */
  public AdminVerticle(PrometheusMeterRegistry registry, ProxyMetrics proxyMetrics, SystemMetrics systemMetrics) {
    this.registry = registry;
    this.proxyMetrics = proxyMetrics;
    this.systemMetrics = systemMetrics;
  }

  @Override
  public Future<?> start() {
    JsonObject conf = Settings.defaults().mergeIn(config());
    view = new NodeView(RingSettings.factory(conf), proxyMetrics);
    node = new JsonObject().put("node", conf.getBoolean(ConfigKeys.CLUSTER_ENABLED)
            ? conf.getString(ConfigKeys.CLUSTER_HOST) : "local")
        .put("ringAlgorithm", conf.getString(ConfigKeys.RING_ALGORITHM)).put("hash", conf.getString(ConfigKeys.RING_HASH))
        .put("key", conf.getString(ConfigKeys.KEY)).put("tokenRequired", !conf.getString(ConfigKeys.ADMIN_TOKEN).isEmpty());
    replicaChecks = HealthChecks.create(vertx);
    EventBus bus = vertx.eventBus();
    bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> changed(applied(msg.body())));
    bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> {
      view.down(msg.body());
      changed(true);
    });
    bus.<JsonObject>consumer(Addresses.REPLICA_UP, msg -> {
      view.up(msg.body());
      changed(true);
    });
    bus.<JsonObject>consumer(Addresses.REPLICA_SUSPECT, msg -> {
      view.suspect(msg.body());
      changed(true);
    });
    bus.<JsonObject>localConsumer(Addresses.OUTLIER_EJECTED, msg -> {
      view.ejected(msg.body());
      changed(true);
    });
    bus.<JsonObject>consumer(Addresses.LIFECYCLE, msg -> {
      view.lifecycle(msg.body());
      changed(true);
    });
    bus.<JsonObject>localConsumer(Addresses.NODE_QUORUM_CHANGED, msg -> {
      cluster = clusterOf(msg.body(), cluster.getJsonObject("manager"));
      changed(true);
      if (cluster.getBoolean("quorum")) {
        ReplicaStore.shared(vertx).load().onSuccess(recorded -> changed(recorded != null && applied(recorded)));
      }
    });
    pushTimer = vertx.setPeriodic(PUSH_MS, t -> {
      view.tick();
      clusterNow().onSuccess(now -> cluster = now).onComplete(ar -> push());
    });
    AdminApi api = new AdminApi(vertx, view::snapshot, next -> changed(applied(next)),
        conf.getString(ConfigKeys.ADMIN_TOKEN), conf.getLong(ConfigKeys.BUS_TIMEOUT_MS), systemMetrics);
    Future<Void> recorded = ReplicaStore.shared(vertx).load()
        .<Void>map(snapshot -> {
          if (snapshot != null) {
            changed(applied(snapshot));
          }
          return null;
        })
        .recover(err -> {
          LOG.log(Level.INFO, "the recorded replica set cannot be read yet ({0}); the view starts empty", err.getMessage());
          return Future.succeededFuture();
        });
    // the meters of the set are the metrics' own; deployed from here, they start and stop with this listener
    return recorded
        .compose(v -> vertx.deployVerticle(new ReplicaMetricsVerticle(RingSettings.factory(conf), proxyMetrics,
            systemMetrics)))
        .compose(id -> {
          server = vertx.createHttpServer().requestHandler(router(api));
          return server.listen(conf.getInteger(ConfigKeys.ADMIN_PORT), conf.getString(ConfigKeys.ADMIN_HOST));
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pushTimer);
    listeners.forEach(HttpServerResponse::end);
    return Future.succeededFuture();
  }

  private Router router(AdminApi api) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    HealthChecks live = HealthChecks.create(vertx).register("process", promise -> promise.complete(Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(this::ready);
    router.get("/api/state").handler(ctx -> json(ctx, state()));
    router.get("/api/cluster").handler(ctx -> clusterNow().onSuccess(now -> json(ctx, now)));
    router.get("/api/events").handler(this::events);
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
    Set<String> now = new HashSet<>();
    view.replicas().forEach(r -> now.add(r.name()));
    Set.copyOf(checked).stream().filter(name -> !now.contains(name)).forEach(name -> {
      replicaChecks.unregister("replicas/" + name);
      checked.remove(name);
    });
    view.replicas().stream().filter(r -> checked.add(r.name())).forEach(r -> {
      JsonObject data = new JsonObject().put("ringId", r.ringId()).put("address", r.address());
      replicaChecks.register("replicas/" + r.name(), p -> p.complete(view.routable(r.name()) ? Status.OK(data)
          : Status.KO(data)));
    });
    return true;
  }

  /**
   * UP (200) while a balancer would find a replica for a request ({@link NodeView#serves()}), DOWN (503) otherwise; a
   * check per replica in the body, UP while it is routable; all from what the bus announced (nothing is probed for it).
   */
  private void ready(RoutingContext ctx) {
    replicaChecks.checkStatus("replicas").onComplete(ar -> {
      boolean any = view.serves();
      JsonObject body = ar.succeeded() ? ar.result().toJson() : new JsonObject();
      // a node without quorum still serves (from the set it has): ready, and it says so
      body.put("status", any ? "UP" : "DOWN").put("outcome", any ? "UP" : "DOWN").put("cluster", cluster);
      ctx.response().setStatusCode(any ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
    });
  }

  private JsonObject state() {
    return view.state(node).put("cluster", cluster);
  }

  /**
   * This node's place in the cluster, asked now: {"clustered", "quorum", "members", "needed", "manager": {"epoch",
   * "acting"} or null if no manager runs here}. Not clustered: {"clustered": false, "quorum": true, "manager": ...}.
   */
  private Future<JsonObject> clusterNow() {
    Future<JsonObject> quorum = localAnswer(Addresses.NODE_QUORUM);
    Future<JsonObject> manager = localAnswer(Addresses.MANAGER_STATE);
    return Future.join(quorum, manager).transform(ar -> Future.succeededFuture(clusterOf(quorum.result(), manager.result())));
  }

  private Future<JsonObject> localAnswer(String address) {
    return vertx.eventBus().<JsonObject>request(address, new JsonObject(), ReplicaMessages.within(LOCAL_QUERY_MS))
        .map(msg -> msg.body()).otherwiseEmpty();
  }

  private static JsonObject clusterOf(JsonObject quorum, JsonObject manager) {
    JsonObject q = quorum == null ? new JsonObject() : quorum;
    return new JsonObject().put("clustered", q.getBoolean("clustered", false)).put("quorum", q.getBoolean("present", true))
        .put("members", q.getInteger("members", 1)).put("needed", q.getInteger("needed", 1)).put("manager", manager);
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

  /** Server-sent events: the whole state now, then again after every change and every second. */
  private void events(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    listeners.add(response);
    response.closeHandler(v -> listeners.remove(response));
    response.write("retry: 1000\n\n");
    send(response, state());
  }

  private boolean dirty;

  /** The state changed: pushed to every listener at once (coalesced within one event-loop turn). */
  private void changed(boolean really) {
    if (!really || dirty) {
      return;
    }
    dirty = true;
    vertx.runOnContext(v -> {
      dirty = false;
      push();
    });
  }

  private void push() {
    if (listeners.isEmpty()) {
      return;
    }
    JsonObject state = state();
    listeners.forEach(response -> send(response, state));
  }

  private static void send(HttpServerResponse response, JsonObject state) {
    if (!response.closed() && !response.writeQueueFull()) {
      response.write("event: state\ndata: " + state.encode() + "\n\n");
    }
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** The port it listens on; with {@code admin.port = 0}, the one the system chose. */
  public int actualPort() {
    return server.actualPort();
  }
}
