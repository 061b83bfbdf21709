package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import dev.lb.metrics.ProxyMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * One routed request on its way to a replica and back, through its tries. Both bodies stream with back-pressure, so
 * memory per request stays bounded whatever their size; only a body of at most {@code proxy.retry.body.bytes} is
 * kept whole, so that it can be sent again.
 *
 * <p>A try that got no connection sent nothing: it is made again on the next replica clockwise, for any method. A try
 * that failed after sending (reset, timeout, or a 500/502/503/504 reply) is made again only for an idempotent method
 * whose body was kept. Once a reply is being relayed, nothing is tried again. All tries share one deadline for the
 * reply's head ({@code proxy.timeout.ms}); each waits at most {@code proxy.try.timeout.ms}.
 */
final class Exchange {

  private static final System.Logger LOG = System.getLogger(Exchange.class.getName());
  /** Replies up to this size are read whole and written in one go: one write to the client instead of two. */
  private static final long WHOLE_REPLY_BYTES = 64 * 1024;
  private static final Buffer NO_BODY = Buffer.buffer(0);
  private static final Handler<Throwable> IGNORED = err -> { };

  private final Forwarder forwarder;
  private final HttpServerRequest req;
  private final long key;
  private final long began;
  private final long deadline;
  private final boolean idempotent;
  /** The whole body, when kept (or empty); null while it streams. */
  private Buffer body;
  private int[] tried = new int[4];
  private int tries;
  private ReplicaInfo current;
  private ProxyMetrics.Replica meters;
  private long tryStarted;
  private RequestOptions options;
  private ReplicaPool.Lease lease;
  private boolean reused;
  private HttpClientRequest outbound;
  private boolean requestSent;
  private boolean relaying;
  private boolean done;

  Exchange(Forwarder forwarder, HttpServerRequest req, long key) {
    this.forwarder = forwarder;
    this.req = req;
    this.key = key;
    this.began = System.nanoTime();
    this.deadline = began + forwarder.options.timeoutMs() * 1_000_000;
    this.idempotent = Forwarder.idempotent(req.method());
  }

  void start(ReplicaInfo first) {
    req.response().closeHandler(v -> clientGone());
    long length = Forwarder.contentLength(req);
    if (length == 0) {
      body = NO_BODY;
      send(first);
    } else if (length > 0 && length <= forwarder.options.retryBodyBytes()) {
      req.body().onSuccess(whole -> {
        body = whole;
        send(first);
      }).onFailure(err -> done = true);
    } else {
      req.pause();
      send(first);
    }
  }

  private void send(ReplicaInfo target) {
    long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
    if (remainingMs <= 0) {
      fail(ProxyFailure.TIMEOUT, String.valueOf(forwarder.options.timeoutMs()), null);
      return;
    }
    if (tries == tried.length) {
      tried = java.util.Arrays.copyOf(tried, tries * 2);
    }
    tried[tries++] = target.ringId();
    current = target;
    forwarder.table.started(target);
    meters = forwarder.metrics.of(target.name());
    meters.started();
    tryStarted = System.nanoTime();
    options = new RequestOptions().setMethod(req.method()).setURI(req.uri());
    if (body != null) {
      // a streamed body may take longer than a try to send: its try timeout starts once it is sent
      options.setIdleTimeout(Math.min(forwarder.options.tryTimeoutMs(), remainingMs));
    }
    forwarder.pool.acquire(target, Math.min(forwarder.options.connectTimeoutMs(), remainingMs)).onComplete(this::leased);
  }

  /** A connection to the replica is ours (nothing was sent yet): the request goes on it. */
  private void leased(AsyncResult<ReplicaPool.Lease> ar) {
    if (ar.failed()) {
      tryFailed(ar.cause(), false);
      return;
    }
    lease = ar.result();
    reused = lease.connection.activeStreams() == 0 && lease.uses > 0;
    lease.uses++;
    lease.connection.request(options).onComplete(this::connected);
  }

  private void connected(AsyncResult<HttpClientRequest> ar) {
    if (ar.failed()) {
      // the connection closed while idle in the pool: not the replica's failure; a fresh one is tried once
      forwarder.pool.discard(lease);
      lease = null;
      if (reused && !done) {
        reused = false;
        forwarder.pool.acquire(current, forwarder.options.connectTimeoutMs()).onComplete(this::leased);
      } else {
        tryFailed(ar.cause(), false);
      }
      return;
    }
    HttpClientRequest out = ar.result();
    if (done) {
      out.reset();
      release();
      return;
    }
    outbound = out;
    out.exceptionHandler(IGNORED);
    forwarder.copyHeaders(req, out.headers());
    out.response().onComplete(this::answered);
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      out.continueHandler(v -> req.response().writeContinue());
    }
    if (body != null) {
      out.end(body);
      requestSent = true;
      return;
    }
    long length = Forwarder.contentLength(req);
    if (length < 0) {
      out.setChunked(true);
    } else {
      out.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
    }
    req.pipe().endOnFailure(false).to(out).onComplete(sent -> {
      if (sent.succeeded()) {
        requestSent = true;
        out.idleTimeout(forwarder.options.tryTimeoutMs());
      } else {
        out.reset(0, sent.cause());
      }
    });
  }

  private void answered(AsyncResult<HttpClientResponse> ar) {
    if (ar.failed()) {
      tryFailed(ar.cause(), true);
      return;
    }
    HttpClientResponse resp = ar.result();
    int status = resp.statusCode();
    meters.answered(status, System.nanoTime() - tryStarted);
    if (status >= 500) {
      forwarder.table.failed(current, false);
      if ((status == 500 || status == 502 || status == 503 || status == 504) && replayable()) {
        ReplicaInfo next = nextReplica();
        if (next != null) {
          meters.retried();
          discard(resp);
          send(next);
          return;
        }
      }
    } else {
      forwarder.table.succeeded(current);
    }
    if (status == 404 && forwarder.options.rewrite404()) {
      discard(resp);
      fail(ProxyFailure.NO_SUCH_ENDPOINT, "", null);
      return;
    }
    relay(resp);
  }

  /** Passes the reply on: status, headers (without hop-by-hop ones) and body, streamed with back-pressure. */
  private void relay(HttpClientResponse resp) {
    HttpServerResponse out = req.response();
    if (done || out.closed()) {
      outbound.reset();
      release();
      dropConnection();
      return;
    }
    relaying = true;
    logAccess(resp.statusCode(), resp.getHeader(HttpHeaders.CONTENT_LENGTH), current.name());
    forwarder.metrics.answered(resp.statusCode());
    out.setStatusCode(resp.statusCode()).setStatusMessage(resp.statusMessage());
    out.headers().setAll(resp.headers());
    HopByHop.strip(out.headers());
    String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    }
    if (length != null && length.length() < 6 && Long.parseLong(length) <= WHOLE_REPLY_BYTES) {
      resp.body().onComplete(ar -> {
        if (ar.succeeded()) {
          out.end(ar.result());
          finish(true);
        } else {
          out.reset();
          finish(false);
        }
      });
      return;
    }
    if (length == null && req.method() != HttpMethod.HEAD) {
      out.setChunked(true);
    }
    resp.pipe().endOnFailure(false).to(out).onComplete(ar -> {
      if (ar.failed()) {
        outbound.reset(0, ar.cause());
        out.reset();
      }
      finish(ar.succeeded());
    });
  }

  /** Drops a reply that is not passed on, and its connection with it (a rare path: a 5xx retried, a 404 rewritten). */
  private void discard(HttpClientResponse resp) {
    outbound.reset();
    release();
    dropConnection();
  }

  private void tryFailed(Throwable err, boolean sent) {
    ReplicaInfo failed = current;
    release();
    dropConnection();
    if (done) {
      return;
    }
    boolean refused = err instanceof ConnectException;
    if (forwarder.table.failed(failed, refused)) {
      forwarder.suspect(failed, err);
    }
    meters.connectionError();
    ReplicaInfo next = !sent || replayable() ? nextReplica() : null;
    if (next != null) {
      meters.retried();
      send(next);
    } else if (err instanceof TimeoutException || System.nanoTime() >= deadline) {
      fail(ProxyFailure.TIMEOUT, String.valueOf(forwarder.options.timeoutMs()), err);
    } else {
      fail(ProxyFailure.REPLICA_FAILED, "'" + failed.name() + "'", err);
    }
  }

  /** Whether the request can be sent once more after it reached a replica. */
  private boolean replayable() {
    return idempotent && body != null;
  }

  /** The next replica clockwise not tried yet, if tries and time are left. */
  private ReplicaInfo nextReplica() {
    if (tries > forwarder.options.retries() || System.nanoTime() >= deadline) {
      return null;
    }
    return forwarder.table.pick(key, this::untried);
  }

  private boolean untried(int ringId) {
    for (int k = 0; k < tries; k++) {
      if (tried[k] == ringId) {
        return false;
      }
    }
    return true;
  }

  private void fail(ProxyFailure failure, String detail, Throwable cause) {
    done = true;
    logAccess(failure.status, "-", "-");
    forwarder.metrics.answered(failure.status);
    if (failure.status >= 500) {
      LOG.log(Level.WARNING, "{0} {1}: {2} after {3} tries{4}", req.method(), req.path(), failure, tries,
          cause == null ? "" : " (last: " + cause + ")");
    }
    if (body == null && !relaying) {
      // a body never read would stall the connection: it is closed after this reply
      req.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    failure.reply(req, detail);
  }

  private void logAccess(int status, String bytes, String replica) {
    if (forwarder.accessLog.on()) {
      forwarder.accessLog.log(req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress(), req.method().name(),
          req.uri(), req.version() == io.vertx.core.http.HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1", status,
          bytes == null ? "-" : bytes, replica, System.nanoTime() - began);
    }
  }

  /** The client went away: whatever is under way with a replica is abandoned. */
  private void clientGone() {
    if (!done && !relaying && outbound != null) {
      outbound.reset();
    }
    done = true;
  }

  /** The reply was relayed ({@code clean}: whole, both ways): the connection serves another request, or is dropped. */
  private void finish(boolean clean) {
    done = true;
    release();
    if (clean && requestSent && lease != null) {
      forwarder.pool.release(lease);
      lease = null;
    } else {
      dropConnection();
    }
  }

  private void dropConnection() {
    if (lease != null) {
      forwarder.pool.discard(lease);
      lease = null;
    }
  }

  /** The current try is over: the replica's count of requests in flight drops. */
  private void release() {
    if (current != null) {
      meters.ended();
      forwarder.table.finished(current);
      current = null;
    }
  }
}
