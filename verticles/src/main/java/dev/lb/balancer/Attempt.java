package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import dev.lb.metrics.ProxyMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * One try of an {@link Exchange} on one replica: a connection from the pool, the request on it (headers, then the
 * kept body or the client's body streamed), and the wait for the reply's head. It reports once to its exchange, with
 * the reply or with the failure and whether the request had reached the replica; then it is over, and a further try is
 * a new attempt. Its connection goes back to the pool only after a clean exchange.
 */
final class Attempt {

  /** How far it got. */
  enum Stage { CONNECTING, SENDING, AWAITING_REPLY, REPLIED, OVER }

  private static final Handler<Throwable> IGNORED = err -> { };

  final ReplicaInfo replica;
  final ProxyMetrics.Replica meters;
  private final Exchange exchange;
  private final Forwarder forwarder;
  private final long began = System.nanoTime();
  private Stage stage = Stage.CONNECTING;
  private RequestOptions options;
  private ReplicaPool.Lease lease;
  private boolean reusedConnection;
  private HttpClientRequest outbound;
  private boolean sent;

  Attempt(Exchange exchange, Forwarder forwarder, ReplicaInfo replica) {
    this.exchange = exchange;
    this.forwarder = forwarder;
    this.replica = replica;
    this.meters = forwarder.started(replica);
  }

  /** Takes a connection and sends the request, all within {@code remainingMs} of the exchange's deadline. */
  void run(HttpServerRequest req, boolean streamed, long remainingMs) {
    options = new RequestOptions().setMethod(req.method()).setURI(req.uri());
    if (!streamed) {
      // a streamed body may take longer than a try to send: its try timeout starts once it is sent
      options.setIdleTimeout(Math.min(forwarder.options().tryTimeoutMs(), remainingMs));
    }
    forwarder.pool().acquire(replica, Math.min(forwarder.options().connectTimeoutMs(), remainingMs))
        .onComplete(this::leased);
  }

  private void leased(AsyncResult<ReplicaPool.Lease> ar) {
    if (ar.failed()) {
      exchange.tryFailed(this, ar.cause(), TryFailure.beforeSending(ar.cause()));
      return;
    }
    if (stage == Stage.OVER) {
      // given up while connecting: the connection is unused, and serves another exchange
      forwarder.pool().release(ar.result());
      return;
    }
    lease = ar.result();
    reusedConnection = lease.connection.activeStreams() == 0 && lease.uses > 0;
    lease.uses++;
    lease.connection.request(options).onComplete(this::opened);
  }

  private void opened(AsyncResult<HttpClientRequest> ar) {
    if (stage == Stage.OVER) {
      // given up meanwhile: its connection was dropped then
      if (ar.succeeded()) {
        ar.result().reset();
      }
      return;
    }
    if (ar.failed()) {
      // the connection closed while idle in the pool: not the replica's failure; a fresh one is tried once
      forwarder.pool().discard(lease);
      lease = null;
      if (reusedConnection) {
        reusedConnection = false;
        forwarder.pool().acquire(replica, forwarder.options().connectTimeoutMs()).onComplete(this::leased);
      } else {
        exchange.tryFailed(this, ar.cause(), TryFailure.beforeSending(ar.cause()));
      }
      return;
    }
    HttpClientRequest out = ar.result();
    stage = Stage.SENDING;
    outbound = out;
    out.exceptionHandler(IGNORED);
    out.response().onComplete(this::answered);
    exchange.sendHead(out);
  }

  /** Sends a body kept whole. */
  void send(Buffer body) {
    outbound.end(body);
    sent();
  }

  /**
   * Streams the client's body, {@code length} bytes (-1: chunked), with back-pressure; {@code early} (or null), bytes
   * of it read already, goes first.
   */
  void stream(HttpServerRequest req, long length, Buffer early) {
    HttpClientRequest out = outbound;
    if (length < 0) {
      out.setChunked(true);
    } else {
      out.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
    }
    if (early != null) {
      out.write(early);
    }
    req.pipe().endOnFailure(false).to(out).onComplete(done -> {
      if (done.succeeded()) {
        sent();
        out.idleTimeout(forwarder.options().tryTimeoutMs());
      } else {
        out.reset(0, done.cause());
      }
    });
  }

  private void sent() {
    sent = true;
    if (stage == Stage.SENDING) {
      stage = Stage.AWAITING_REPLY;
    }
  }

  private void answered(AsyncResult<HttpClientResponse> ar) {
    if (ar.failed()) {
      exchange.tryFailed(this, ar.cause(), TryFailure.afterSending(ar.cause()));
      return;
    }
    stage = Stage.REPLIED;
    meters.answered(ar.result().statusCode(), System.nanoTime() - began);
    exchange.replied(this, ar.result());
  }

  /** Gives the try up: whatever is under way with the replica is reset, and its connection dropped. */
  /** How long ago the attempt began. */
  long elapsedNanos() {
    return System.nanoTime() - began;
  }

  void abandon() {
    if (outbound != null && stage != Stage.OVER) {
      if (stage == Stage.REPLIED) {
        // a reply given up (a 500 tried again elsewhere): the reset ends it, and is no error to log
        outbound.response().result().exceptionHandler(IGNORED);
      }
      outbound.reset();
    }
    end(false);
  }

  /** The try is over ({@code clean}: a whole exchange, both ways): its connection serves another, or is dropped. */
  void end(boolean clean) {
    if (stage == Stage.OVER) {
      return;
    }
    stage = Stage.OVER;
    forwarder.endedTry(replica, meters);
    if (lease != null) {
      if (clean && sent) {
        forwarder.pool().release(lease);
      } else {
        forwarder.pool().discard(lease);
      }
      lease = null;
    }
  }

  boolean over() {
    return stage == Stage.OVER;
  }
}
