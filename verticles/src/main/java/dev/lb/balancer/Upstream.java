package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetClientInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The byte relay's side towards the replicas, one per balancer instance: a keep-alive pool of connections to each
 * replica, made on the instance's event loop (the one its clients' connections are on), and the timeouts of a try.
 * At most {@code proxy.pool.size} connections to a replica are open at once (made or being made); a try that finds
 * none idle and the pool full waits for the next one released, in order, up to its try timeout. An idle connection is
 * taken last in, first out, so that the fewest stay warm; one the replica closed while idle leaves the pool as it
 * closes.
 */
final class Upstream {

  /** The connections to one replica. */
  private static final class Pool {
    final String host;
    final int port;
    final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    /** Open or being opened. */
    int open;

    Pool(String host, int port) {
      this.host = host;
      this.port = port;
    }
  }

  /** A try waiting for a connection; {@code wanted} false once it no longer does (it timed out, its client left). */
  private record Waiter(Promise<UpstreamConnection> promise, BooleanSupplier wanted) { }

  private final NetClientInternal client;
  /** How a connection to a replica speaks TLS (HTTPS replicas), or null: plain TCP. */
  private final ClientSSLOptions tls;
  private final ContextInternal context;
  private final Map<String, Pool> pools = new HashMap<>();
  private final int maxPerReplica;
  final long connectTimeoutMs;
  final long tryTimeoutMs;
  final int maxTrailer;

  Upstream(NetClientInternal client, ClientSSLOptions tls, ContextInternal context, int maxPerReplica,
      long connectTimeoutMs, long tryTimeoutMs, int maxTrailer) {
    if (maxPerReplica < 1) {
      throw new IllegalArgumentException("proxy.pool.size must be at least 1, got " + maxPerReplica);
    }
    this.client = client;
    this.tls = tls;
    this.context = context;
    this.maxPerReplica = maxPerReplica;
    this.connectTimeoutMs = connectTimeoutMs;
    this.tryTimeoutMs = tryTimeoutMs;
    this.maxTrailer = maxTrailer;
  }

  /** The upstream side of the balancer instance on {@code context}, reaching the replicas as {@code settings} say. */
  static Upstream open(Vertx vertx, BalancerSettings settings, ContextInternal context) {
    NetClientInternal client = (NetClientInternal) vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setSslEngineOptions(settings.replicaTls().engineOptions())
        .setConnectTimeout((int) settings.forwarding().connectTimeoutMs())
        .setIdleTimeout(settings.idleTimeoutS()).setIdleTimeoutUnit(TimeUnit.SECONDS));
    return new Upstream(client, settings.replicaTls().connectOptions(), context, settings.poolSize(),
        settings.forwarding().connectTimeoutMs(), settings.forwarding().tryTimeoutMs(), settings.maxHeaderSize());
  }

  private Pool pool(ReplicaInfo replica) {
    return pools.computeIfAbsent(replica.address(), a -> new Pool(replica.host(), replica.port()));
  }

  /** An idle connection to {@code replica}, or null. */
  UpstreamConnection idle(ReplicaInfo replica) {
    Pool pool = pools.get(replica.address());
    while (pool != null && !pool.idle.isEmpty()) {
      UpstreamConnection conn = pool.idle.pollLast();
      if (conn.open()) {
        return conn;
      }
      // (its channel ended before the pool heard: closing it frees its place)
      conn.close();
    }
    return null;
  }

  /**
   * A connection to {@code replica} for a try that found none idle: a new one while fewer than the pool's size are
   * open, else the next one released (or made in place of one that closed) while {@code wanted} still holds.
   */
  Future<UpstreamConnection> connect(ReplicaInfo replica, BooleanSupplier wanted) {
    Pool pool = pool(replica);
    if (pool.open < maxPerReplica) {
      return dial(replica.address(), pool);
    }
    Promise<UpstreamConnection> promise = context.promise();
    pool.waiting.add(new Waiter(promise, wanted));
    return promise.future();
  }

  private Future<UpstreamConnection> dial(String address, Pool pool) {
    pool.open++;
    Promise<NetSocket> made = context.promise();
    ConnectOptions to = new ConnectOptions().setHost(pool.host).setPort(pool.port).setTimeout((int) connectTimeoutMs);
    if (tls != null) {
      // SNI names a host, never an address (RFC 6066 §3)
      to.setSsl(true).setSslOptions(tls).setSniServerName(NetUtil.isValidIpV4Address(pool.host)
          || NetUtil.isValidIpV6Address(pool.host) ? null : pool.host);
    }
    client.connectInternal(to, made, context);
    return made.future().map(socket -> {
      NetSocketInternal so = (NetSocketInternal) socket;
      if (!so.channelHandlerContext().channel().isActive()) {
        // closed before its handler could be added, which would never hear of it
        so.close();
        throw new java.io.UncheckedIOException(
            new java.io.IOException("the connection to " + address + " closed as it was made"));
      }
      UpstreamConnection conn = new UpstreamConnection(this, address);
      so.channelHandlerContext().pipeline().addBefore("handler", "relay", conn);
      return conn;
    }).onFailure(err -> {
      pool.open--;
      next(address, pool);
    });
  }

  /** The first try still waiting for a connection to {@code pool}'s replica, if any; the rest stay in line. */
  private Waiter firstWaiting(Pool pool) {
    for (Waiter w; (w = pool.waiting.poll()) != null; ) {
      if (w.wanted.getAsBoolean()) {
        return w;
      }
    }
    return null;
  }

  /** A connection to {@code pool}'s replica could be opened: one is, for the first try waiting. */
  private void next(String address, Pool pool) {
    if (pool.open < maxPerReplica) {
      Waiter w = firstWaiting(pool);
      if (w != null) {
        dial(address, pool).onComplete(w.promise);
      }
    }
  }

  /** {@code conn} is free again: the first try waiting takes it, or another exchange may later. */
  void release(UpstreamConnection conn) {
    if (!conn.open()) {
      conn.close();
      return;
    }
    Pool pool = pools.get(conn.address);
    Waiter w = firstWaiting(pool);
    if (w != null) {
      w.promise.complete(conn);
    } else {
      pool.idle.addLast(conn);
    }
  }

  /** {@code conn} closed (called once for each): it is not handed out again, and its place in the pool is free. */
  void closed(UpstreamConnection conn) {
    Pool pool = pools.get(conn.address);
    pool.idle.remove(conn);
    pool.open--;
    next(conn.address, pool);
  }

  Future<Void> close() {
    return client.close();
  }
}
