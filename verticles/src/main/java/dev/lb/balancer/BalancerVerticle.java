package dev.lb.balancer;

import dev.lb.bus.NodeMessages;
import dev.lb.api.AdminApi;
import dev.lb.api.ApiGuard;
import dev.lb.bus.Addresses;
import dev.lb.bus.BalancerRegistry;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Stamp;
import dev.lb.http.AccessLog;
import dev.lb.http.Replies;
import dev.lb.http1.HeadParser;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.metrics.SystemMetrics;
import dev.lb.metrics.Telemetry;
import dev.lb.tracing.Tracing;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import dev.lb.tls.CertificateWatcher;
import dev.lb.tls.HttpsRedirect;
import dev.lb.tls.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The front door: {@code /rep}, {@code /add} and {@code /rm} go to the {@link AdminApi}; every other request goes
 * straight to the {@link Forwarder}, which sends it to the replica the consistent hash ring picks. The ring is built
 * from the manager's published snapshots and kept on this verticle's event loop. With {@code tls.cert} set, the port
 * speaks HTTPS (HTTP/2 and HTTP/1.1 through ALPN), or HTTPS gets a port of its own beside plain HTTP, which then
 * either routes too or redirects to HTTPS; both route through the same {@link Forwarder}.
 */
public class BalancerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(BalancerVerticle.class.getName());
  private static final long QUERY_TIMEOUT_MS = 3000;
  private static final long REGISTER_RETRY_MS = 1000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /**
   * The largest piece of a body that either side hands over at once. Vert.x copies every piece to the heap and the
   * relay writes each one on: at Vert.x's default of 8 KiB, a streamed body costs a write per 8 KiB and about 0.1
   * byte of heap besides the copy per byte relayed; at a socket read's size (Netty reads up to 64 KiB) both shrink
   * with the number of pieces. {@code loadtest bench --transfer} measures it ("allocated B/B").
   */
  static final int RELAYED_CHUNK_BYTES = 64 * 1024;

  private final BalancerSettings settings;
  private final ProxyMetrics metrics;
  private final SystemMetrics systemMetrics;
  private final AccessLog accessLog;
  private final Tracing tracing;
  /** The certificates all instances share (the launcher's), or null: this instance loads its own if TLS is on. */
  private final CertificateWatcher sharedCertificates;
  private CertificateWatcher certificates;
  /** The relay of every port but a redirecting one. */
  private ByteRelay relay;
  /** The plain HTTP port (the balancer's, unless HTTPS is served on it), or null. */
  private NetServer plain;
  /** The HTTPS port (the balancer's, or {@code tls.port}), or null. */
  private NetServer secure;
  /** The plain port when it only redirects to HTTPS, or null. */
  private HttpServer redirect;
  private HttpClientAgent client;
  private Upstream upstream;
  private RoutingTable table;
  private BalancerRegistry registry;
  private String self;
  private boolean stopped;

  /**
   * A balancer with these settings, whatever its deployment's configuration, counting into {@code metrics} (what the
   * launcher deploys).
   */
  public BalancerVerticle(BalancerSettings settings, Telemetry telemetry) {
    this(settings, telemetry, null);
  }

  /** As above, serving HTTPS with {@code certificates}, shared by every instance (null: its own, if TLS is on). */
  public BalancerVerticle(BalancerSettings settings, Telemetry telemetry, CertificateWatcher certificates) {
    this.settings = settings;
    this.metrics = telemetry.proxy();
    this.systemMetrics = telemetry.system();
    this.accessLog = telemetry.accessLog();
    this.tracing = telemetry.tracing();
    this.sharedCertificates = certificates;
  }

  @Override
  public Future<?> start() {
    registry = new BalancerRegistry(vertx);
    self = UUID.randomUUID().toString();
    InFlight inFlight = new InFlight();
    table = new RoutingTable(settings.ringFactory(), settings.loadBound(), new RoutingTable.Reports() {
      @Override
      public void failed(ReplicaInfo replica, boolean certain) {
        vertx.eventBus().send(Addresses.OUTLIER_REPORT, ReplicaMessages.outlierReport(replica, false, certain), LOCAL);
      }

      @Override
      public void succeeded(ReplicaInfo replica) {
        vertx.eventBus().send(Addresses.OUTLIER_REPORT, ReplicaMessages.outlierReport(replica, true, false), LOCAL);
      }
    }, inFlight, settings.slowStartMs(), System::currentTimeMillis);
    // a tunnel's connection (WebSocket, any Upgrade) is Vert.x's, taken over once the replica answered 101
    client = vertx.httpClientBuilder().with(settings.replicaTls().apply(new HttpClientOptions()
            .setIdleTimeout(settings.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setConnectTimeout((int) settings.forwarding().connectTimeoutMs()))).build();
    upstream = Upstream.open(vertx, settings, (ContextInternal) context);
    Forwarder forwarder = new Forwarder(vertx, upstream, new HeadParser(settings.maxInitialLine(), settings.maxHeaderSize()),
        client, table, KeySource.parse(settings.key()), settings.forwarding(), metrics, accessLog, tracing);
    relay = new ByteRelay(vertx, settings, (ContextInternal) context, forwarder, KeySource.parse(settings.key()));
    AdminApi admin = new AdminApi(vertx, table::snapshot, table::apply,
        new ApiGuard(settings.adminToken(), settings.allowedOrigins()), settings.busTimeoutMs(),
        systemMetrics);
    return listen(vertx.eventBus(), inFlight)
      .compose(v -> registry.register(self, settings.host()).recover(err -> {
        // a node that sees no quorum yet: the manager cannot ask it to drain until it registers
        LOG.log(Level.WARNING, "this balancer could not register for drains ({0}); it will try again", err.getMessage());
        vertx.setTimer(REGISTER_RETRY_MS, t -> register());
        return Future.succeededFuture();
      }))
      .compose(v -> initialSnapshot())
      .compose(v -> listen(relay, overTls -> req -> {
        if (AdminApi.owns(req.path())) {
          admin.handle(req);
        } else {
          forwarder.handle(req, overTls || req.isSSL());
        }
      }));
  }

  /**
   * Opens the balancer's port (and HTTPS's own, if it has one) as a byte relay, every request it does not carry itself
   * going to {@code routed} (told whether its client came over TLS), or, on plain HTTP with {@code tls.redirect}, to
   * the HTTPS URL.
   */
  private Future<?> listen(ByteRelay relay, Function<Boolean, Handler<HttpServerRequest>> routed) {
    TlsSettings tls = settings.tls();
    NetServerOptions plainPort = relay.portOptions();
    if (!tls.enabled()) {
      return relay.listen(settings.port(), plainPort, false, true, serverOptions(), routed.apply(false),
          BalancerVerticle::invalidRequest).onSuccess(s -> plain = s);
    }
    try {
      certificates = sharedCertificates != null ? sharedCertificates : new CertificateWatcher(tls);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    NetServerOptions securePort = certificates.serverOptions(plainPort);
    int port = tls.separatePort() ? tls.port() : settings.port();
    Future<NetServer> https = relay.listen(port, securePort, true, tls.http2(), serverOptions(), routed.apply(true),
        BalancerVerticle::invalidRequest).onSuccess(s -> {
          secure = s;
          certificates.attach(vertx, s);
        });
    if (!tls.separatePort()) {
      return https;
    }
    return https.compose(s -> {
      if (!tls.redirect()) {
        return relay.listen(settings.port(), plainPort, false, true, serverOptions(), routed.apply(false),
            BalancerVerticle::invalidRequest).onSuccess(p -> plain = p).mapEmpty();
      }
      redirect = vertx.createHttpServer(serverOptions())
          .requestHandler(new HttpsRedirect(s::actualPort, settings.host())::handle)
          .invalidRequestHandler(BalancerVerticle::invalidRequest);
      return redirect.listen(settings.port(), settings.host()).mapEmpty();
    });
  }

  /** What the balancer hears on the bus: the set and its changes, the node's outlier detector, drains, the quorum. */
  private Future<?> listen(EventBus bus, InFlight inFlight) {
    return Future.all(List.of(
        bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> table.apply(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> table.down(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_UP, msg -> table.up(msg.body())).completion(),
        bus.<JsonObject>localConsumer(Addresses.OUTLIER_EJECTED, msg -> table.ejected(
            ReplicaMessages.replica(msg.body()), msg.body().getLong(ReplicaMessages.UNTIL))).completion(),
        bus.<JsonObject>localConsumer(Addresses.OUTLIER_WATCH, msg -> table.watch(
            ReplicaMessages.replica(msg.body()), msg.body().getBoolean(ReplicaMessages.WATCH))).completion(),
        bus.<JsonObject>localConsumer(Addresses.NODE_QUORUM_CHANGED, msg -> {
          if (NodeMessages.present(msg.body())) {
            caughtUp();
          }
        }).completion(),
        bus.<JsonObject>consumer(Addresses.drainOf(self), msg -> {
          table.apply(msg.body());
          inFlight.idle(ReplicaMessages.drained(msg.body())).onComplete(ar -> msg.reply(new JsonObject()));
        }).completion()));
  }

  /**
   * The set to route with from the start: the one recorded in the cluster, then the manager's own answer. Without a
   * manager yet (a clustered node that starts first, or during a takeover) it routes with what was recorded, and
   * the next published snapshot brings it up to date.
   */
  private Future<Void> initialSnapshot() {
    return ReplicaStore.shared(vertx).load()
        .onSuccess(recorded -> {
          if (recorded != null) {
            table.apply(recorded);
          }
        })
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject(),
            ReplicaMessages.within(Math.min(settings.busTimeoutMs(), QUERY_TIMEOUT_MS))))
        .map(reply -> table.apply(reply.body()))
        .recover(err -> {
          LOG.log(Level.INFO, "no replica manager answered yet ({0}); routing with the recorded set {1} until one does",
              err.getMessage(), Stamp.of(table.snapshot()));
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  /**
   * This node sees the cluster again after a partition: the set recorded meanwhile (by a manager elected elsewhere) is
   * read and applied if newer, as is the manager's answer; until then the balancer routed with the set it had.
   */
  private void caughtUp() {
    ReplicaStore.shared(vertx).load()
        .onSuccess(recorded -> {
          if (recorded != null && table.apply(recorded)) {
            LOG.log(Level.INFO, "routing with the replica set recorded while this node was cut off ({0})", Stamp.of(recorded));
          }
        })
        .onFailure(err -> LOG.log(Level.WARNING, "could not read the recorded replica set after the quorum came back: {0}",
            err.getMessage()));
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions().setMaxHeaderSize(settings.maxHeaderSize())
        .setMaxInitialLineLength(settings.maxInitialLine()).setMaxChunkSize(RELAYED_CHUNK_BYTES)
        .setIdleTimeout(settings.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS)
        // HTTP/2's bound on a request's headers, as HTTP/1.1's
        .setInitialSettings(new Http2Settings().setMaxHeaderListSize(settings.maxHeaderSize()));
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
    if (request.version() != HttpVersion.HTTP_2) {
      // HTTP/2 has no Connection header (a client would refuse the answer); its stream alone ends
      request.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    Replies.failure(request.response(), status, message).onComplete(ar -> request.connection().close());
  }

  /**
   * Stops taking connections, lets the requests under way finish (up to {@code replica.drain.ms}), then closes the
   * pool: a normal stop of the balancer drops no request.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    if (certificates != null && secure != null) {
      certificates.detach(vertx, secure);
    }
    return Future.join(relay == null ? Future.succeededFuture() : relay.shutdown(settings.drainMs()),
            redirect == null ? Future.succeededFuture() : redirect.shutdown(settings.drainMs(), TimeUnit.MILLISECONDS))
        .eventually(() -> registry.leave(self).otherwiseEmpty())
        .eventually(() -> upstream.close())
        .eventually(() -> client.close());
  }

  private void register() {
    if (stopped) {
      return;
    }
    registry.register(self, settings.host()).onFailure(err -> vertx.setTimer(REGISTER_RETRY_MS, t -> register()));
  }

  /** The port it listens on; with {@code http.port = 0}, the one the system chose. */
  public int actualPort() {
    return plain != null ? plain.actualPort() : redirect != null ? redirect.actualPort() : secure.actualPort();
  }

  /** The port HTTPS is served on (that of {@link #actualPort} when it has none of its own); -1 without TLS. */
  public int actualTlsPort() {
    return secure != null ? secure.actualPort() : -1;
  }
}
