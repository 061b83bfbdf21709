package dev.lb.balancer;

import dev.lb.http1.HeadParser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetClientInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;

/**
 * The balancer's plain HTTP port as a byte relay: a Vert.x {@code NetServer} whose connections each get a
 * {@link FrontDoor} at the Netty level, on the balancer instance's event loop, and the {@link Upstream} they share.
 * Behind it, on a loopback port of its own, the balancer's HTTP stack (Vert.x's HTTP server with the admin API and
 * the {@link Forwarder}) serves what the relay hands on through {@link Fallback}.
 */
final class ByteRelay {

  private final Vertx vertx;
  private final BalancerSettings settings;
  private NetServer server;
  private HttpServer stack;
  private NetClientInternal client;

  ByteRelay(Vertx vertx, BalancerSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /**
   * Opens the HTTP stack on loopback with {@code stackOptions} and {@code routed}, then the relay's port, on the
   * event loop of {@code context}.
   */
  Future<?> listen(ContextInternal context, Forwarder forwarder, KeySource keys, HttpServerOptions stackOptions,
      Handler<HttpServerRequest> routed, Handler<HttpServerRequest> invalid) {
    client = (NetClientInternal) vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout((int) settings.forwarding().connectTimeoutMs())
        .setIdleTimeout(settings.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS));
    Upstream upstream = new Upstream(client, context, settings.poolSize(), settings.forwarding().connectTimeoutMs(),
        settings.forwarding().tryTimeoutMs(), settings.maxHeaderSize());
    stack = vertx.createHttpServer(stackOptions.setUseProxyProtocol(true)).requestHandler(routed)
        .invalidRequestHandler(invalid);
    Fallback fallback = new Fallback(client, context, () -> stack.actualPort());
    FrontDoor.Shared shared = new FrontDoor.Shared(forwarder, upstream, keys,
        new HeadParser(settings.maxInitialLine(), settings.maxHeaderSize()), fallback, settings.headerTimeoutMs());
    server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true)
        .setIdleTimeout(settings.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS))
        .connectHandler(socket -> accept(socket, shared));
    return stack.listen(0, "127.0.0.1").compose(s -> server.listen(settings.port(), settings.host()));
  }

  private static void accept(NetSocket socket, FrontDoor.Shared shared) {
    NetSocketInternal so = (NetSocketInternal) socket;
    FrontDoor door = new FrontDoor(shared);
    so.channelHandlerContext().pipeline().addBefore("handler", "relay", door);
    so.shutdownHandler(v -> door.drain());
  }

  int actualPort() {
    return server.actualPort();
  }

  /** Stops taking connections and lets the requests under way finish, up to {@code drainMs}. */
  Future<?> shutdown(long drainMs) {
    Future<Void> front = server == null ? Future.succeededFuture() : server.shutdown(drainMs, TimeUnit.MILLISECONDS);
    Future<Void> back = stack == null ? Future.succeededFuture() : stack.shutdown(drainMs, TimeUnit.MILLISECONDS);
    return Future.join(front, back).eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }
}
