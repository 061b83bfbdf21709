package dev.lb.balancer;

import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Stamp;
import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import dev.lb.http.Replies;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * The front door: {@code /rep}, {@code /add} and {@code /rm} go to the {@link AdminApi}; every other request goes
 * straight to the {@link Forwarder}, which sends it to the replica the consistent hash ring picks. The ring is built
 * from the manager's published snapshots and kept on this verticle's event loop.
 */
public class BalancerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(BalancerVerticle.class.getName());
  private static final long QUERY_TIMEOUT_MS = 3000;

  private HttpServer server;
  private HttpClient client;
  private RoutingTable table;
  private long busTimeoutMs;

  @Override
  public Future<?> start() {
    busTimeoutMs = config().getLong(ConfigKeys.BUS_TIMEOUT_MS, 60_000L);
    table = new RoutingTable(RingSettings.factory(config()), RingSettings.loadBound(config()),
        new Outliers(config().getInteger(ConfigKeys.PROXY_EJECT_AFTER, 5), config().getLong(ConfigKeys.PROXY_EJECT_MS, 1000L)));
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
            .setIdleTimeout(config().getInteger(ConfigKeys.HTTP_IDLE_TIMEOUT_S, 60)).setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setConnectTimeout((int) config().getLong(ConfigKeys.PROXY_CONNECT_TIMEOUT_MS, 1000L).longValue()),
        new PoolOptions().setHttp1MaxSize(config().getInteger(ConfigKeys.PROXY_POOL_SIZE, 32)));
    Forwarder forwarder = new Forwarder(vertx, client, table, KeySource.parse(config().getString(ConfigKeys.KEY, "random")),
        new Forwarder.Options(config().getLong(ConfigKeys.PROXY_TIMEOUT_MS, 5000L),
            config().getLong(ConfigKeys.PROXY_TRY_TIMEOUT_MS, 2000L), config().getLong(ConfigKeys.PROXY_CONNECT_TIMEOUT_MS, 1000L),
            config().getInteger(ConfigKeys.PROXY_RETRIES, 2), config().getBoolean(ConfigKeys.PROXY_TRUST_FORWARDED, false),
            config().getLong(ConfigKeys.PROXY_BODY_LIMIT, 0L), config().getInteger(ConfigKeys.PROXY_RETRY_BODY_BYTES, 8192),
            config().getBoolean(ConfigKeys.PROXY_REWRITE_404, true)));
    AdminApi admin = new AdminApi(vertx, table, config().getString(ConfigKeys.ADMIN_TOKEN, ""), busTimeoutMs);
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> table.apply(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> table.down(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_UP, msg -> table.up(msg.body())).completion())
      .compose(v -> initialSnapshot())
      .compose(v -> {
        server = vertx.createHttpServer(serverOptions())
            .requestHandler(req -> {
              if (AdminApi.owns(req.path())) {
                admin.handle(req);
              } else {
                forwarder.handle(req);
              }
            })
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
    return client.close();
  }

  /** The port it listens on; with {@code http.port = 0}, the one the system chose. */
  public int actualPort() {
    return server.actualPort();
  }
}
