package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import dev.lb.http.AccessEntry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * One routed request on its way to a replica and back: what lives for the whole request (its deadline, the replicas
 * tried, the body if kept, the stage it is at), and its tries, each an {@link Attempt} of its own, thrown away whole
 * when it fails. Whether to try again is the {@link RetryPolicy}'s; passing a reply on is the {@link Relay}'s. Both
 * bodies stream with back-pressure, so memory per request stays bounded whatever their size; only a body of at most
 * {@code proxy.retry.body.bytes} is kept whole, so that it can be sent again. All tries share one deadline for the
 * reply's head ({@code proxy.timeout.ms}); each waits at most {@code proxy.try.timeout.ms}.
 */
final class Exchange implements Admission.Waiter {

  /** Where the request is. */
  enum Stage { TRYING, RELAYING, ENDED }

  private static final System.Logger LOG = System.getLogger(Exchange.class.getName());
  private static final Buffer NO_BODY = Buffer.buffer(0);
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  private static final CharSequence TRACEPARENT = HttpHeaders.createOptimized("traceparent");

  private final Forwarder forwarder;
  private final HttpServerRequest req;
  /** The client came over TLS (to the relay in front of the stack, or to Vert.x's server itself). */
  private final boolean secure;
  private final long key;
  /** The body's declared length: 0 none, -1 chunked or unknown. */
  private final long length;
  /** Whether the body streams to the first replica rather than being kept whole (then it cannot be sent again). */
  private final boolean streamed;
  private final long began;
  private final long deadline;
  private final boolean idempotent;
  /** An HTTP/2 body's first bytes, read before the exchange began (see {@link Http2Body}), streamed ahead of the rest. */
  private final Buffer early;
  private Buffer kept;
  private Stage stage = Stage.TRYING;
  private int[] tried = new int[4];
  private int tries;
  private Attempt attempt;
  // waiting for a slot of this replica at its cap (Admission), its try not begun yet
  private ReplicaInfo queuedOn;
  // what the access log records of it (null when the log is off), until it is handed over at the end
  private AccessEntry logged;

  Exchange(Forwarder forwarder, HttpServerRequest req, boolean secure, long key, long length) {
    this(forwarder, req, secure, key, length, null, false);
  }

  /**
   * An HTTP/2 request without {@code Content-Length}, once {@link Http2Body} found whether it has a body: {@code read},
   * the bytes read meanwhile (or null), is its whole body if {@code complete}, else the start of a streamed one.
   */
  Exchange(Forwarder forwarder, HttpServerRequest req, boolean secure, long key, Buffer read, boolean complete) {
    this(forwarder, req, secure, key, complete ? (read == null ? 0 : read.length()) : -1, read, complete);
  }

  private Exchange(Forwarder forwarder, HttpServerRequest req, boolean secure, long key, long length, Buffer read,
      boolean complete) {
    this.forwarder = forwarder;
    this.req = req;
    this.secure = secure;
    this.key = key;
    this.length = length;
    this.streamed = !complete && (length < 0 || length > forwarder.options().retryBodyBytes());
    this.early = complete ? null : read;
    this.kept = complete && read != null ? read : null;
    this.began = System.nanoTime();
    this.deadline = began + forwarder.options().timeoutMs() * 1_000_000;
    this.idempotent = Forwarder.idempotent(req.method());
    this.logged = forwarder.accessLog().begin(req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress(),
        req.method().name(), req.uri(), protocol(req.version()));
    if (logged != null) {
      if (forwarder.accessLog().readsHeaders()) {
        logged.headers(req.getHeader(HttpHeaders.REFERER), req.getHeader(HttpHeaders.USER_AGENT),
            req.getHeader(TRACEPARENT));
      }
      logged.key(key, forwarder.slotOf(key)).bytesIn(length);
    }
  }

  void start(ReplicaInfo first) {
    forwarder.retries().requested();
    req.response().closeHandler(v -> clientGone());
    if (length == 0 || kept != null) {
      if (kept == null) {
        kept = NO_BODY;
      }
      tryOn(first);
    } else if (!streamed) {
      req.body().onSuccess(whole -> {
        kept = whole;
        // the set may have changed while the body came (a drain acknowledged with nothing in flight here): pick again
        ReplicaInfo target = forwarder.pick(key, id -> true);
        if (target == null) {
          fail(ProxyFailure.NO_REPLICA, "", null);
        } else if (stage == Stage.TRYING) {
          tryOn(target);
        }
      }).onFailure(err -> {
        LOG.log(Level.DEBUG, "{0} {1}: the request's body could not be read: {2}", req.method(), req.path(), err);
        if (stage == Stage.TRYING && !req.response().closed()) {
          fail(ProxyFailure.BAD_BODY, "", err);
        }
        stage = Stage.ENDED;
      });
    } else {
      req.pause();
      tryOn(first);
    }
  }

  private void tryOn(ReplicaInfo target) {
    long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
    if (remainingMs <= 0) {
      fail(ProxyFailure.TIMEOUT, String.valueOf(forwarder.options().timeoutMs()), null);
      return;
    }
    if (tries == tried.length) {
      tried = Arrays.copyOf(tried, tries * 2);
    }
    tried[tries++] = target.ringId();
    switch (forwarder.admission().take(target.name(), this, remainingMs)) {
      case TAKEN -> begin(target);
      case QUEUED -> queuedOn = target;
      case FULL -> overloaded(target);
    }
  }

  private void begin(ReplicaInfo target) {
    long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    attempt = new Attempt(this, forwarder, target);
    attempt.run(req, streamed, remainingMs);
  }

  @Override
  public void admitted() {
    ReplicaInfo target = queuedOn;
    queuedOn = null;
    if (target == null) {
      return;
    }
    if (stage != Stage.TRYING || System.nanoTime() >= deadline) {
      // the client went away while the slot was on its way, or the wait used the request's time up
      forwarder.admission().release(target.name());
      if (stage == Stage.TRYING) {
        fail(ProxyFailure.TIMEOUT, String.valueOf(forwarder.options().timeoutMs()), null);
      }
      return;
    }
    begin(target);
  }

  @Override
  public void refused(boolean timedOut) {
    ReplicaInfo target = queuedOn;
    queuedOn = null;
    if (target == null || stage != Stage.TRYING) {
      return;
    }
    if (timedOut) {
      overloaded(target);
      return;
    }
    ReplicaInfo next = nextReplica();
    if (next == null) {
      fail(ProxyFailure.NO_REPLICA, "", null);
    } else {
      tryOn(next);
    }
  }

  private void overloaded(ReplicaInfo target) {
    if (logged != null) {
      logged.tried(target.name(), "overloaded", 0);
    }
    req.response().putHeader(RETRY_AFTER, String.valueOf(forwarder.admission().retryAfterS()));
    fail(ProxyFailure.OVERLOADED, "'" + target.name() + "'", null);
  }

  /** The attempt has a request open on its replica: the head goes, then the body, kept or streamed. */
  void sendHead(HttpClientRequest out) {
    forwarder.copyHeaders(req, secure, out.headers());
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      out.continueHandler(v -> req.response().writeContinue());
    }
    if (streamed) {
      attempt.stream(req, length, early);
    } else {
      attempt.send(kept);
    }
  }

  /** The attempt's replica answered: the reply is passed on, or another replica tried, or the 404 rewritten. */
  void replied(Attempt from, HttpClientResponse reply) {
    if (from != attempt) {
      from.abandon();
      return;
    }
    int status = reply.statusCode();
    forwarder.judged(from.replica, status < 500);
    if (logged != null) {
      logged.tried(from.replica.name(), String.valueOf(status), from.elapsedNanos());
      logged.answeredBy(from.replica.name(), status, from.elapsedNanos());
      logged.declared(reply.getHeader(HttpHeaders.CONTENT_LENGTH));
    }
    if (status >= 500 && forwarder.retries().afterReply(tries, status, replayable())) {
      ReplicaInfo next = nextReplica();
      if (next != null && forwarder.retries().budgetAllows()) {
        from.meters.retried();
        from.abandon();
        tryOn(next);
        return;
      }
    }
    if (status == 404 && forwarder.options().rewrite404()) {
      from.abandon();
      fail(ProxyFailure.NO_SUCH_ENDPOINT, "", null);
      return;
    }
    if (stage == Stage.ENDED || req.response().closed()) {
      from.abandon();
      return;
    }
    stage = Stage.RELAYING;
    forwarder.metrics().answered(status);
    Relay.pass(reply, req.response(), req.method() == HttpMethod.HEAD, clean -> {
      logEnd(clean ? AccessEntry.End.REPLIED : AccessEntry.End.BROKEN);
      stage = Stage.ENDED;
      if (clean) {
        from.end(true);
      } else {
        from.abandon();
      }
    });
  }

  /** The attempt failed with {@code err}, as {@code failure}. */
  void tryFailed(Attempt from, Throwable err, TryFailure failure) {
    from.end(false);
    if (stage == Stage.ENDED || from != attempt) {
      return;
    }
    forwarder.failed(from.replica, failure, err);
    from.meters.connectionError();
    if (logged != null) {
      logged.tried(from.replica.name(), failure.name().toLowerCase(Locale.ROOT), from.elapsedNanos());
    }
    ReplicaInfo next = forwarder.retries().afterFailure(tries, failure, replayable()) ? nextReplica() : null;
    if (next != null && forwarder.retries().budgetAllows()) {
      from.meters.retried();
      tryOn(next);
    } else if (err instanceof TimeoutException || System.nanoTime() >= deadline) {
      fail(ProxyFailure.TIMEOUT, String.valueOf(forwarder.options().timeoutMs()), err);
    } else {
      fail(ProxyFailure.REPLICA_FAILED, "'" + from.replica.name() + "'", err);
    }
  }

  /** Whether the request can be sent once more after it reached a replica. */
  private boolean replayable() {
    return idempotent && !streamed;
  }

  /** The next replica clockwise not tried yet, if time is left. */
  private ReplicaInfo nextReplica() {
    return System.nanoTime() >= deadline ? null : forwarder.pick(key, this::untried);
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
    Stage was = stage;
    stage = Stage.ENDED;
    if (logged != null) {
      logged.status(failure.status);
      logEnd(failure.end());
    }
    forwarder.metrics().answered(failure.status);
    if (failure.status >= 500) {
      LOG.log(Level.WARNING, "{0} {1}: {2} after {3} tries{4}", req.method(), req.path(), failure, tries,
          cause == null ? "" : " (last: " + cause + ")");
    }
    if (streamed && was != Stage.RELAYING && req.version() != HttpVersion.HTTP_2) {
      // a body never read would stall the connection: it is closed after this reply (an HTTP/2 stream ends alone)
      req.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    failure.reply(req, detail);
  }

  /** The exchange ended as {@code end}: its entry goes to the access log, once. */
  private void logEnd(AccessEntry.End end) {
    if (logged != null) {
      forwarder.accessLog().end(logged, end);
      logged = null;
    }
  }

  /** The version as a request line writes it. */
  static String protocol(HttpVersion version) {
    return switch (version) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_2 -> "HTTP/2.0";
      default -> "HTTP/1.1";
    };
  }

  /** The client went away: whatever is under way with a replica is abandoned. */
  private void clientGone() {
    Stage was = stage;
    stage = Stage.ENDED;
    if (logged != null && was != Stage.ENDED && forwarder.accessLog().logsUnanswered()) {
      logEnd(AccessEntry.End.CLIENT_GONE);
    }
    if (queuedOn != null) {
      // still queued: it leaves; already handed a slot: admitted() gives it back (queuedOn stays for that)
      forwarder.admission().leave(queuedOn.name(), this);
    }
    if (was == Stage.TRYING && attempt != null) {
      attempt.abandon();
    }
  }
}
