package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The connections of one balancer instance to the replicas, kept on its own event loop: keep-alive HTTP/1.1
 * connections, one exchange at a time each. A request takes an idle connection of its replica (the most recently
 * used), or opens one while fewer than {@code proxy.pool.size} are open, or waits for one. Vert.x's shared client pool
 * would do the same with more steps (a resource lookup and a new context per request); this is the forward path's
 * own, measured to be cheaper (see the README's performance section).
 */
final class ReplicaPool {

  /** A connection, and whether it is still open. */
  static final class Lease {
    final HttpClientConnection connection;
    private final Slots slots;
    private boolean closed;
    /** Exchanges it carried, this one included once taken. */
    int uses;

    private Lease(HttpClientConnection connection, Slots slots) {
      this.connection = connection;
      this.slots = slots;
    }
  }

  /** The connections to one replica. */
  private final class Slots {
    final String host;
    final int port;
    final ArrayDeque<Lease> idle = new ArrayDeque<>();
    final ArrayDeque<Promise<Lease>> waiting = new ArrayDeque<>();
    int open;

    Slots(String host, int port) {
      this.host = host;
      this.port = port;
    }
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final int maxPerReplica;
  /** The connect timeout of a connection opened for a request that waited for a place. */
  private final long connectTimeoutMs;
  private final Map<String, Slots> byAddress = new HashMap<>();

  ReplicaPool(Vertx vertx, HttpClientAgent client, int maxPerReplica, long connectTimeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.maxPerReplica = Math.max(1, maxPerReplica);
    this.connectTimeoutMs = connectTimeoutMs;
  }

  /** A connection to {@code replica} for one exchange; fails (nothing sent) if none can be had in {@code timeoutMs}. */
  Future<Lease> acquire(ReplicaInfo replica, long timeoutMs) {
    Slots slots = byAddress.computeIfAbsent(replica.address(), a -> new Slots(replica.host(), replica.port()));
    Lease lease = slots.idle.pollLast();
    if (lease != null) {
      return Future.succeededFuture(lease);
    }
    if (slots.open < maxPerReplica) {
      return open(slots, timeoutMs);
    }
    Promise<Lease> waiter = Promise.promise();
    slots.waiting.add(waiter);
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (slots.waiting.remove(waiter)) {
        waiter.fail(new TimeoutException("no connection to " + replica.address() + " free within " + timeoutMs + " ms"));
      }
    });
    return waiter.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** The exchange on {@code lease} ended cleanly: the connection serves the next one. */
  void release(Lease lease) {
    if (lease.closed) {
      return;
    }
    Promise<Lease> waiter = lease.slots.waiting.poll();
    if (waiter != null) {
      waiter.complete(lease);
    } else {
      lease.slots.idle.addLast(lease);
    }
  }

  /** The exchange on {@code lease} did not end cleanly: its connection cannot be trusted again. */
  void discard(Lease lease) {
    if (!lease.closed) {
      lease.connection.close();
    }
  }

  private void closed(Lease lease) {
    lease.closed = true;
    lease.slots.idle.remove(lease);
    lease.slots.open--;
    Promise<Lease> waiter = lease.slots.waiting.poll();
    if (waiter != null) {
      // a place is free again: open a connection for the one waiting longest
      open(lease.slots, connectTimeoutMs).onComplete(waiter);
    }
  }

  /** Opens a pooled connection to the replica of {@code slots}, counted against its limit while open. */
  private Future<Lease> open(Slots slots, long timeoutMs) {
    slots.open++;
    return connect(slots.host, slots.port, timeoutMs)
        .map(connection -> {
          Lease opened = new Lease(connection, slots);
          connection.closeHandler(v -> closed(opened));
          return opened;
        })
        .onFailure(err -> slots.open--);
  }

  /**
   * A connection of its own to {@code replica}, outside the pool (a tunnel takes it over for good): opened the way the
   * pool opens its connections, and the caller's to close.
   */
  Future<HttpClientConnection> dedicated(ReplicaInfo replica, long timeoutMs) {
    return connect(replica.host(), replica.port(), timeoutMs);
  }

  private Future<HttpClientConnection> connect(String host, int port, long timeoutMs) {
    return client.connect(new HttpConnectOptions().setHost(host).setPort(port).setConnectTimeout(timeoutMs));
  }
}
