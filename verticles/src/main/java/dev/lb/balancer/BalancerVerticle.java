package dev.lb.balancer;

import dev.lb.bus.Addresses;
import dev.lb.bus.BadRequestException;
import dev.lb.bus.Failures;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Stamp;
import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import dev.lb.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

/**
 * The front door: {@code GET /rep}, {@code POST /add}, {@code DELETE /rm} (and {@code POST /rm}) go to the replica
 * manager over the event bus; every other request is forwarded to the replica the consistent hash ring picks.
 */
public class BalancerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(BalancerVerticle.class.getName());
  private static final String BODY_SHAPE = "Request body must be a JSON object like {\"n\": 1, \"hostnames\": [\"S5\"]}";

  private static final String BEARER = "Bearer ";
  /** How long a query of the manager may take before a balancer answers from its own copy of the set. */
  private static final long QUERY_TIMEOUT_MS = 3000;

  private HttpServer server;
  private byte[] adminToken;
  private WebClient client;
  private RoutingTable table;
  private long busTimeoutMs;

  @Override
  public Future<?> start() {
    busTimeoutMs = config().getLong(ConfigKeys.BUS_TIMEOUT_MS, 60_000L);
    table = new RoutingTable(RingSettings.factory(config()), RingSettings.loadBound(config()),
        new Outliers(config().getInteger(ConfigKeys.PROXY_EJECT_AFTER, 5), config().getLong(ConfigKeys.PROXY_EJECT_MS, 1000L)));
    adminToken = config().getString(ConfigKeys.ADMIN_TOKEN, "").getBytes(StandardCharsets.UTF_8);
    client = WebClient.create(vertx,
        new WebClientOptions().setUserAgentEnabled(false).setFollowRedirects(false).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(config().getInteger(ConfigKeys.PROXY_POOL_SIZE, 32)));
    Forwarder forwarder = new Forwarder(vertx, client, table, KeySource.parse(config().getString(ConfigKeys.KEY, "random")),
        new Forwarder.Options(config().getLong(ConfigKeys.PROXY_TIMEOUT_MS, 5000L),
            config().getLong(ConfigKeys.PROXY_TRY_TIMEOUT_MS, 2000L), config().getLong(ConfigKeys.PROXY_CONNECT_TIMEOUT_MS, 1000L),
            config().getInteger(ConfigKeys.PROXY_RETRIES, 2), config().getBoolean(ConfigKeys.PROXY_TRUST_FORWARDED, false)));
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> table.apply(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> table.down(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_UP, msg -> table.up(msg.body())).completion())
      .compose(v -> initialSnapshot())
      .compose(v -> {
        server = vertx.createHttpServer(serverOptions()).requestHandler(router(forwarder))
            .invalidRequestHandler(BalancerVerticle::invalidRequest);
        return server.listen(config().getInteger(ConfigKeys.HTTP_PORT, 5000), config().getString(ConfigKeys.HTTP_HOST, "0.0.0.0"));
      });
  }

  /**
   * The set to route with from the start: the one recorded in the cluster, then the manager's own answer. Without a
   * manager yet (a clustered node that starts first, or during a takeover) it routes with what was recorded, and
   * the next published snapshot brings it up to date.
   */
  private Future<Void> initialSnapshot() {
    return new ReplicaStore(vertx).load()
        .onSuccess(recorded -> {
          if (recorded != null) {
            table.apply(recorded);
          }
        })
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject(),
            ReplicaMessages.within(Math.min(busTimeoutMs, QUERY_TIMEOUT_MS))))
        .map(reply -> table.apply(reply.body()))
        .recover(err -> {
          LOG.log(Level.INFO, "no replica manager answered yet ({0}); routing with the recorded set {1} until one does",
              err.getMessage(), Stamp.of(table.snapshot()));
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setMaxHeaderSize(config().getInteger(ConfigKeys.HTTP_MAX_HEADER_SIZE, 8192))
        .setMaxInitialLineLength(config().getInteger(ConfigKeys.HTTP_MAX_INITIAL_LINE, 4096))
        .setIdleTimeout(config().getInteger(ConfigKeys.HTTP_IDLE_TIMEOUT_S, 60)).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  /** A request the HTTP decoder could not read (line or headers too long, bad syntax): answered in the API's shape. */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String message = switch (status) {
      case 414 -> "<Error> Request line too long";
      case 431 -> "<Error> Request headers too large";
      default -> "<Error> Malformed HTTP request";
    };
    Replies.failure(request.response().putHeader(HttpHeaders.CONNECTION, "close"), status, message)
        .onComplete(ar -> request.connection().close());
  }

  @Override
  public Future<?> stop() {
    client.close();
    return Future.succeededFuture();
  }

  private Router router(Forwarder forwarder) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(config().getLong(ConfigKeys.PROXY_BODY_LIMIT, 1L << 20)));
    router.route("/add").handler(this::authorized);
    router.route("/rm").handler(this::authorized);
    router.get("/rep").handler(this::replicas);
    router.post("/add").handler(ctx -> scale(ctx, Addresses.REPLICAS_ADD));
    router.delete("/rm").handler(ctx -> scale(ctx, Addresses.REPLICAS_REMOVE));
    router.post("/rm").handler(ctx -> scale(ctx, Addresses.REPLICAS_REMOVE));
    router.route("/rep").handler(ctx -> wrongMethod(ctx, "GET"));
    router.route("/add").handler(ctx -> wrongMethod(ctx, "POST"));
    router.route("/rm").handler(ctx -> wrongMethod(ctx, "DELETE, POST"));
    router.route().handler(forwarder::handle);
    router.errorHandler(413, ctx -> Replies.failure(ctx.response(), 413,
        "<Error> Request body is larger than " + config().getLong(ConfigKeys.PROXY_BODY_LIMIT, 1L << 20) + " bytes"));
    router.errorHandler(400, ctx -> Replies.failure(ctx.response(), 400, "<Error> Malformed request"));
    router.errorHandler(500, ctx -> {
      LOG.log(Level.ERROR, "unexpected failure on " + ctx.request().method() + " " + ctx.request().path(), ctx.failure());
      Replies.failure(ctx.response(), 500, "<Error> Internal error of the load balancer");
    });
    return router;
  }

  /** With an admin token configured, {@code /add} and {@code /rm} need {@code Authorization: Bearer <token>}. */
  private void authorized(RoutingContext ctx) {
    if (adminToken.length == 0) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    boolean bearer = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length());
    byte[] given = bearer ? header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (MessageDigest.isEqual(given, adminToken)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"load-balancer admin\"");
    Replies.failure(ctx.response(), 401, "<Error> '" + ctx.request().path() + "' needs the admin token: "
        + (header == null ? "no Authorization header" : "the bearer token given is wrong"));
  }

  /**
   * The set as the manager holds it now; if no manager answers (a takeover under way), the set this balancer routes
   * with, which is the last one the manager published.
   */
  private void replicas(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject(),
            ReplicaMessages.within(Math.min(busTimeoutMs, QUERY_TIMEOUT_MS)))
        .map(reply -> {
          table.apply(reply.body());
          return reply.body();
        })
        .recover(err -> {
          LOG.log(Level.WARNING, "GET /rep: the replica manager did not answer ({0}); answered with the set this balancer "
              + "routes with ({1})", err.getMessage(), Stamp.of(table.snapshot()));
          return Future.succeededFuture(table.snapshot());
        })
        .onSuccess(snapshot -> Replies.success(ctx.response(), ReplicaMessages.replicaList(snapshot)));
  }

  private void scale(RoutingContext ctx, String address) {
    JsonObject body;
    try {
      body = jsonObject(ctx.body().buffer());
    } catch (BadRequestException e) {
      Replies.failure(ctx.response(), 400, e.getMessage());
      return;
    }
    vertx.eventBus().<JsonObject>request(address, body, ReplicaMessages.within(busTimeoutMs))
        .onSuccess(reply -> Replies.success(ctx.response(), ReplicaMessages.replicaList(reply.body())))
        .onFailure(err -> failed(ctx, err));
  }

  private static JsonObject jsonObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new BadRequestException(BODY_SHAPE);
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new BadRequestException("Malformed JSON body: " + firstLine(e.getMessage()));
    }
    if (!(value instanceof JsonObject object)) {
      throw new BadRequestException(BODY_SHAPE);
    }
    return object;
  }

  private static String firstLine(String text) {
    String line = text == null ? "" : text.lines().findFirst().orElse("");
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }

  private void failed(RoutingContext ctx, Throwable err) {
    int status = Failures.statusFor(err);
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

  /** The port it listens on; with {@code http.port = 0}, the one the system chose. */
  public int actualPort() {
    return server.actualPort();
  }
}
