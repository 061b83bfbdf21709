package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetClientInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The byte relay's side towards the replicas, one per balancer instance: a keep-alive pool of connections to each
 * replica, made on the instance's event loop (the one its clients' connections are on), and the timeouts of a try.
 * An idle connection is taken last in, first out, so that the fewest stay warm; one the replica closed while idle
 * leaves the pool as it closes.
 */
final class Upstream {

  private final NetClientInternal client;
  private final ContextInternal context;
  private final Map<String, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
  final long connectTimeoutMs;
  final long tryTimeoutMs;
  final int maxTrailer;

  Upstream(NetClientInternal client, ContextInternal context, long connectTimeoutMs, long tryTimeoutMs, int maxTrailer) {
    this.client = client;
    this.context = context;
    this.connectTimeoutMs = connectTimeoutMs;
    this.tryTimeoutMs = tryTimeoutMs;
    this.maxTrailer = maxTrailer;
  }

  /** An idle connection to {@code replica}, or null. */
  UpstreamConnection idle(ReplicaInfo replica) {
    ArrayDeque<UpstreamConnection> conns = idle.get(replica.address());
    while (conns != null && !conns.isEmpty()) {
      UpstreamConnection conn = conns.pollLast();
      if (conn.open()) {
        return conn;
      }
    }
    return null;
  }

  /** A new connection to {@code replica}. */
  Future<UpstreamConnection> connect(ReplicaInfo replica) {
    Promise<NetSocket> made = context.promise();
    client.connectInternal(new ConnectOptions().setHost(replica.host()).setPort(replica.port())
        .setTimeout((int) connectTimeoutMs), made, context);
    return made.future().map(socket -> {
      NetSocketInternal so = (NetSocketInternal) socket;
      UpstreamConnection conn = new UpstreamConnection(this, replica.address());
      so.channelHandlerContext().pipeline().addBefore("handler", "relay", conn);
      return conn;
    });
  }

  /** {@code conn} is free again: another exchange may take it. */
  void release(UpstreamConnection conn) {
    idle.computeIfAbsent(conn.address, a -> new ArrayDeque<>()).addLast(conn);
  }

  /** {@code conn} closed: it is not handed out again. */
  void closed(UpstreamConnection conn) {
    ArrayDeque<UpstreamConnection> conns = idle.get(conn.address);
    if (conns != null) {
      conns.remove(conn);
    }
  }

  Future<Void> close() {
    return client.close();
  }
}
