package dev.lb.balancer;

import dev.lb.http1.HeadParser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetClientInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The balancer's ports as a byte relay: each a Vert.x {@code NetServer} whose connections get a {@link FrontDoor} at
 * the Netty level, on the balancer instance's event loop, after the TLS handshake on an HTTPS port (the door then
 * reads what the {@code SslHandler} decrypted). All ports of an instance, and its stack, share one {@link Upstream}. Behind each port,
 * on a loopback port of its own, the balancer's HTTP stack (Vert.x's HTTP server with the admin API and the
 * {@link Forwarder}) serves what the relay hands on through {@link Fallback}: HTTP/2 (an HTTPS client that chose
 * {@code h2} by ALPN goes there whole, decrypted), upgrades, {@code Expect}, HTTP/1.0.
 */
final class ByteRelay {

  /** One port: what clients connect to, and the stack behind it. */
  private record Front(NetServer server, HttpServer stack) { }

  private final Vertx vertx;
  private final BalancerSettings settings;
  private final ContextInternal context;
  private final Forwarder forwarder;
  private final KeySource keys;
  private final NetClientInternal stackClient;
  private final List<Front> fronts = new ArrayList<>();

  /** The relay of the balancer instance on {@code context}, forwarding with {@code forwarder}; no port open yet. */
  ByteRelay(Vertx vertx, BalancerSettings settings, ContextInternal context, Forwarder forwarder, KeySource keys) {
    this.vertx = vertx;
    this.settings = settings;
    this.context = context;
    this.forwarder = forwarder;
    this.keys = keys;
    // what the relay hands to the stack goes there over loopback, plain
    stackClient = (NetClientInternal) vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
  }

  /** The options of a relay port before TLS, if any, is added. */
  NetServerOptions portOptions() {
    return new NetServerOptions().setTcpNoDelay(true)
        .setIdleTimeout(settings.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  /**
   * Opens the stack on loopback with {@code stackOptions}, {@code routed} and {@code invalid}, then {@code port} with
   * {@code options} ({@link #portOptions}, with TLS if {@code secure}); the stack takes HTTP/2 without TLS only from
   * this relay, and only if {@code http2}.
   */
  Future<NetServer> listen(int port, NetServerOptions options, boolean secure, boolean http2,
      HttpServerOptions stackOptions, Handler<HttpServerRequest> routed, Handler<HttpServerRequest> invalid) {
    // the forward path makes its own spans (RequestTrace), whichever door a request came through: Vert.x makes none
    HttpServer stack = vertx.createHttpServer(new HttpServerOptions(stackOptions).setUseProxyProtocol(true)
            .setHttp2ClearTextEnabled(http2).setTracingPolicy(TracingPolicy.IGNORE))
        .requestHandler(routed).invalidRequestHandler(invalid);
    Fallback fallback = new Fallback(stackClient, context, stack::actualPort);
    FrontDoor.Shared shared = new FrontDoor.Shared(forwarder, forwarder.upstream(), keys,
        new HeadParser(settings.maxInitialLine(), settings.maxHeaderSize()), fallback, settings.headerTimeoutMs(),
        secure);
    NetServer server = vertx.createNetServer(options).connectHandler(socket -> accept(socket, shared));
    fronts.add(new Front(server, stack));
    return stack.listen(0, "127.0.0.1").compose(s -> server.listen(port, settings.host()));
  }

  private static void accept(NetSocket socket, FrontDoor.Shared shared) {
    NetSocketInternal so = (NetSocketInternal) socket;
    FrontDoor door = new FrontDoor(shared);
    so.channelHandlerContext().pipeline().addBefore("handler", "relay", door);
    so.shutdownHandler(v -> door.drain());
  }

  /** Stops taking connections and lets the requests under way finish, up to {@code drainMs}. */
  Future<?> shutdown(long drainMs) {
    List<Future<Void>> closing = new ArrayList<>();
    for (Front front : fronts) {
      closing.add(front.server.shutdown(drainMs, TimeUnit.MILLISECONDS));
      closing.add(front.stack.shutdown(drainMs, TimeUnit.MILLISECONDS));
    }
    return Future.join(closing).eventually(stackClient::close);
  }
}
