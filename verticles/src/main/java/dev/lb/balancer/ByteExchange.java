package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import dev.lb.http.AccessEntry;
import dev.lb.http1.HttpHead;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.tracing.RequestTrace;
import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One request relayed as bytes: the request (head as it goes on, and its body, kept whole so that it can be sent
 * again), its deadline and the replicas tried, and its tries, one at a time, each on a connection of the
 * {@link Upstream}. The same policy as {@link Exchange}: a reply of 500, 502, 503 or 504 or a failed try moves an
 * idempotent request to the next replica ({@link RetryPolicy}); a reused connection that turns out closed is tried
 * once more on a fresh one, on the same replica; a 404 becomes the assignment's 400. Confined to the event loop of
 * its client's connection, which is that of its balancer instance.
 */
final class ByteExchange implements Admission.Waiter {

  /** Where the request is. */
  enum Stage { TRYING, RELAYING, ENDED }

  private static final System.Logger LOG = System.getLogger(ByteExchange.class.getName());
  private static final AsciiString REFERER = AsciiString.cached("referer");
  private static final AsciiString USER_AGENT = AsciiString.cached("user-agent");
  private static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
  /** A streamed body's length when the client did not give it: the body ends when {@link #requestBodyEnded} says. */
  static final long UNTIL_ENDED = Long.MAX_VALUE;

  private final Downstream front;
  private final Forwarder forwarder;
  private final Upstream upstream;
  private final HttpHead head;
  private final ByteBuf request;
  private final long key;
  private final boolean idempotent;
  private final boolean toHead;
  private final long began = System.nanoTime();
  private final long deadline;
  private boolean closeClient;
  private Stage stage = Stage.TRYING;
  private int[] tried = new int[4];
  private int tries;
  // the try under way
  private int attemptNo;
  private ReplicaInfo replica;
  private ProxyMetrics.Replica meters;
  private long attemptBegan;
  private UpstreamConnection conn;
  private ScheduledFuture<?> timer;
  private boolean freshTried;
  // a streamed body (larger than a retry keeps): what is still to come from the client, what came while no
  // connection was there to take it, and whether any of it went on already (then the request cannot be tried again)
  private long bodyLeft;
  private ArrayDeque<ByteBuf> bodyWaiting;
  private boolean bodyStreamed;
  private boolean released;
  // waiting for a slot of a replica at its cap (Admission), this try not begun yet
  private boolean queued;
  // what the access log records of it (null when the log is off), until it is handed over at the end
  private AccessEntry logged;
  // its request id and spans (always there: with tracing off, only the id)
  private final RequestTrace trace;
  private long bytesIn;
  private int replyStatus;

  /**
   * {@code head}: the request's head as it came (what the access log and the log lines name); {@code request}: what
   * goes to a replica, head and kept body; {@code protocol}: the client's, as a request line writes it.
   */
  ByteExchange(Downstream front, Forwarder forwarder, Upstream upstream, HttpHead head, ByteBuf request, long key,
      boolean idempotent, boolean toHead, boolean closeClient, String protocol, RequestTrace trace) {
    this.trace = trace;
    this.bytesIn = request.readableBytes();
    this.front = front;
    this.forwarder = forwarder;
    this.upstream = upstream;
    this.head = head;
    this.request = request;
    this.key = key;
    this.idempotent = idempotent;
    this.toHead = toHead;
    this.closeClient = closeClient;
    this.deadline = began + forwarder.options().timeoutMs() * 1_000_000;
    this.logged = forwarder.accessLog().begin(front.clientAddress(), head.method(), head.target(), protocol);
    if (logged != null) {
      if (forwarder.accessLog().readsHeaders()) {
        logged.headers(head.value(REFERER), head.value(USER_AGENT), head.value(TRACEPARENT));
      }
      logged.key(key, forwarder.slotOf(key)).bytesIn(request.readableBytes());
      logged.traced(trace.requestId(), trace.traceId());
    }
  }

  void start(ReplicaInfo first) {
    forwarder.retries().requested();
    tryOn(first);
  }

  /**
   * Starts a request whose body streams: {@code request} holds its head and the first {@code bodyLeft}-less part of
   * its body; the rest comes through {@link #requestBody}. It is tried elsewhere only while none of that rest went on.
   */
  void startStreaming(ReplicaInfo first, long bodyLeft) {
    this.bodyLeft = bodyLeft;
    if (logged != null && bodyLeft != UNTIL_ENDED) {
      logged.bytesIn(request.readableBytes() + bodyLeft);
    }
    forwarder.retries().requested();
    tryOn(first);
  }

  /** A piece of a streamed body, as it came from the client. */
  void requestBody(ByteBuf piece) {
    bodyLeft -= piece.readableBytes();
    bytesIn += piece.readableBytes();
    if (stage == Stage.ENDED) {
      piece.release();
    } else if (conn != null) {
      bodyStreamed = true;
      conn.write(piece);
      if (bodyLeft == 0 && stage == Stage.TRYING) {
        // the whole body went on: the try waits for a reply from now on (a slow upload is bounded by the idle timeout)
        int no = attemptNo;
        timer = front.executor().schedule(() -> timedOut(no), upstream.tryTimeoutMs, TimeUnit.MILLISECONDS);
      } else if (!conn.writable()) {
        front.readingBody(false);
      }
    } else {
      if (bodyWaiting == null) {
        bodyWaiting = new ArrayDeque<>();
      }
      bodyWaiting.add(piece);
      // nothing to write to yet (connecting): the client waits
      front.readingBody(false);
    }
  }

  /**
   * The client's body of unknown length ({@link #UNTIL_ENDED}) came whole, its last piece given: the try waits for a
   * reply from now on.
   */
  void requestBodyEnded() {
    bodyLeft = 0;
    if (stage == Stage.TRYING && conn != null) {
      int no = attemptNo;
      cancelTimer();
      timer = front.executor().schedule(() -> timedOut(no), upstream.tryTimeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  /** The client's read batch ended: what of a streamed body was written goes out. */
  void flushRequest() {
    if (bodyStreamed && conn != null) {
      conn.flush();
    }
  }

  /** The replica's connection can take more of a streamed body again ({@code on}), or cannot. */
  void upstreamWritable(boolean on) {
    if (bodyLeft > 0 || (bodyWaiting != null && !bodyWaiting.isEmpty())) {
      front.readingBody(on);
    }
  }

  /** Whether the whole request went to the replica (a streamed body ended). */
  boolean requestSent() {
    return bodyLeft == 0 && (bodyWaiting == null || bodyWaiting.isEmpty());
  }

  /** Whether the client still has to send some of the body: its connection cannot carry another request. */
  boolean bodyUnread() {
    return bodyLeft > 0;
  }

  /** How many bytes of a streamed body the client still has to send. */
  long bodyLeftToRead() {
    return bodyLeft;
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
    replica = target;
    switch (forwarder.admission().take(target.name(), this, remainingMs)) {
      case TAKEN -> begin();
      case QUEUED -> queued = true;
      case FULL -> overloaded("its queue is full");
    }
  }

  @Override
  public void admitted() {
    if (!queued || stage != Stage.TRYING) {
      // the exchange ended while the slot was on its way to it
      forwarder.admission().release(replica.name());
      return;
    }
    queued = false;
    if (System.nanoTime() >= deadline) {
      // the wait used the request's time up: not the replica's fault, nothing was sent
      forwarder.admission().release(replica.name());
      fail(ProxyFailure.TIMEOUT, String.valueOf(forwarder.options().timeoutMs()), null);
      return;
    }
    begin();
  }

  @Override
  public void refused(boolean timedOut) {
    if (!queued || stage != Stage.TRYING) {
      return;
    }
    queued = false;
    if (timedOut) {
      overloaded("no slot came free within the queue's timeout");
      return;
    }
    // the replica left the set while the request waited for it
    ReplicaInfo next = nextReplica();
    if (next == null) {
      fail(ProxyFailure.NO_REPLICA, "", null);
    } else {
      tryOn(next);
    }
  }

  private void overloaded(String why) {
    if (logged != null) {
      logged.tried(replica.name(), "overloaded", 0);
    }
    LOG.log(Level.DEBUG, "{0} {1}: replica ''{2}'' is at its cap of requests in flight and {3}", head.method(),
        head.path(), replica.name(), why);
    fail(ProxyFailure.OVERLOADED, "'" + replica.name() + "'", null);
  }

  /** The try on {@code replica} begins, holding one of its slots: on a pooled connection or a new one. */
  private void begin() {
    meters = forwarder.started(replica);
    attemptBegan = System.nanoTime();
    trace.attempt(request, replica.name(), replica.host(), replica.port(), tries);
    freshTried = false;
    UpstreamConnection idle = upstream.idle(replica);
    if (idle != null) {
      send(idle);
    } else {
      connect();
    }
  }

  private void connect() {
    int no = ++attemptNo;
    // a connection being made, or waited for while the pool is full: bounded as the try is
    cancelTimer();
    timer = front.executor().schedule(() -> timedOut(no),
        Math.min(upstream.tryTimeoutMs, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
    upstream.connect(replica, () -> no == attemptNo && stage == Stage.TRYING).onComplete(ar -> {
      if (no != attemptNo || stage != Stage.TRYING) {
        if (ar.succeeded()) {
          upstream.release(ar.result());
        }
      } else if (ar.failed()) {
        connectFailed(ar.cause());
      } else if (!ar.result().open()) {
        // released to this try, then closed before it came to use it: nothing was sent
        cancelTimer();
        failedTry(new java.io.IOException("the connection closed before the request was sent"), TryFailure.UNSENT, false);
      } else {
        send(ar.result());
      }
    });
  }

  private void send(UpstreamConnection c) {
    cancelTimer();
    int no = ++attemptNo;
    conn = c;
    c.send(this, request, toHead);
    if (bodyWaiting != null && !bodyWaiting.isEmpty()) {
      bodyStreamed = true;
      for (ByteBuf piece; (piece = bodyWaiting.poll()) != null; ) {
        c.write(piece);
      }
      c.flush();
    }
    if (bodyLeft > 0) {
      front.readingBody(c.writable());
    } else {
      long ms = bodyStreamed ? upstream.tryTimeoutMs
          : Math.min(upstream.tryTimeoutMs, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      timer = front.executor().schedule(() -> timedOut(no), ms, TimeUnit.MILLISECONDS);
    }
  }

  /** An informational reply (1xx) came before the final one: it goes on to the client. */
  void informational(HttpHead head) {
    front.informational(head);
  }

  /** The replica's reply head came: true if it is passed on (its body follows), false if the exchange went elsewhere. */
  boolean replied(UpstreamConnection from, HttpHead reply) {
    cancelTimer();
    int status = reply.status();
    long took = System.nanoTime() - attemptBegan;
    meters.answered(status, took);
    if (logged != null) {
      logged.tried(replica.name(), String.valueOf(status), took);
      logged.answeredBy(replica.name(), status, took);
    }
    trace.tried(String.valueOf(status), status);
    forwarder.judged(replica, status < 500);
    if (status >= 500 && forwarder.retries().afterReply(tries, status, idempotent)) {
      ReplicaInfo next = nextReplica();
      if (next != null && forwarder.retries().budgetAllows()) {
        meters.retried();
        from.close();
        endTry();
        tryOn(next);
        return false;
      }
    }
    if (status == 404 && forwarder.options().rewrite404()) {
      from.close();
      endTry();
      fail(ProxyFailure.NO_SUCH_ENDPOINT, "", null);
      return false;
    }
    stage = Stage.RELAYING;
    replyStatus = status;
    closeClient |= reply.framing() == HttpHead.Framing.UNTIL_CLOSE;
    forwarder.metrics().answered(status);
    front.reply(reply, closeClient);
    return true;
  }

  /** A piece of the reply's body: it goes on to the client, reading from the replica paused while the client is slow. */
  void body(ByteBuf piece) {
    if (logged != null) {
      logged.sent(piece.readableBytes());
    }
    trace.sent(piece.readableBytes());
    front.body(piece);
    if (!front.writable() && conn != null) {
      conn.reading(false);
    }
  }

  /** The client can take more again. */
  void resume() {
    if (conn != null) {
      conn.reading(true);
    }
  }

  void flush() {
    front.flush();
  }

  /** The reply was passed on whole. */
  void ended() {
    logEnd(AccessEntry.End.REPLIED);
    trace.end(AccessEntry.End.REPLIED.json(), replyStatus, bytesIn);
    stage = Stage.ENDED;
    conn = null;
    endTry();
    release();
    front.ended(this, closeClient);
  }

  /** The reply broke off midway (or broke its framing): the client's connection ends too, as that is all it can tell. */
  void broken() {
    logEnd(AccessEntry.End.BROKEN);
    trace.end(AccessEntry.End.BROKEN.json(), replyStatus, bytesIn);
    stage = Stage.ENDED;
    conn = null;
    endTry();
    release();
    front.broken(this);
  }

  /** The try failed before a reply head came: {@code from} closed or sent something that is no reply. */
  void tryFailed(UpstreamConnection from, String why) {
    if (stage != Stage.TRYING || from != conn) {
      return;
    }
    cancelTimer();
    conn = null;
    // (idempotent only: a replica that processed a POST and closed before answering must not get it twice)
    if (idempotent && from.uses > 1 && from.silent() && !freshTried && !bodyStreamed) {
      // the replica closed the connection while it was idle in the pool: not its failure, a fresh one is tried once
      freshTried = true;
      connect();
      return;
    }
    failedTry(new java.io.IOException(why), TryFailure.BROKEN);
  }

  private void connectFailed(Throwable err) {
    failedTry(err, TryFailure.beforeSending(err));
  }

  private void timedOut(int no) {
    if (no != attemptNo || stage != Stage.TRYING) {
      return;
    }
    timer = null;
    if (conn == null) {
      // still waiting for a connection of a full pool: nothing was sent, and the replica is not to blame
      failedTry(new java.util.concurrent.TimeoutException("no connection to the replica within "
          + upstream.tryTimeoutMs + " ms"), TryFailure.UNSENT, false);
      return;
    }
    conn.close();
    conn = null;
    failedTry(new java.util.concurrent.TimeoutException("no reply within " + upstream.tryTimeoutMs + " ms"),
        TryFailure.TIMED_OUT);
  }

  private void failedTry(Throwable err, TryFailure failure) {
    failedTry(err, failure, true);
  }

  /** {@code replicasFault}: whether the failure counts against the replica (outlier detection, its metrics). */
  private void failedTry(Throwable err, TryFailure failure, boolean replicasFault) {
    ProxyMetrics.Replica failed = meters;
    String outcome = failure.name().toLowerCase(Locale.ROOT);
    if (logged != null) {
      logged.tried(replica.name(), outcome, System.nanoTime() - attemptBegan);
    }
    trace.tried(outcome, 0);
    if (replicasFault) {
      forwarder.failed(replica, failure, err);
      failed.connectionError();
    }
    endTry();
    ReplicaInfo next = !bodyStreamed && forwarder.retries().afterFailure(tries, failure, idempotent) ? nextReplica() : null;
    if (next != null && forwarder.retries().budgetAllows()) {
      failed.retried();
      tryOn(next);
    } else if (failure == TryFailure.TIMED_OUT || System.nanoTime() >= deadline) {
      fail(ProxyFailure.TIMEOUT, String.valueOf(forwarder.options().timeoutMs()), err);
    } else {
      fail(ProxyFailure.REPLICA_FAILED, "'" + replica.name() + "'", err);
    }
  }

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

  private void endTry() {
    if (meters != null) {
      forwarder.endedTry(replica, meters);
      meters = null;
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Whether the request was a HEAD: a reply in its place has no body either. */
  boolean toHead() {
    return toHead;
  }

  /** Gives up what the exchange holds; it ends once, whichever way, and so releases once. */
  private void release() {
    if (released) {
      return;
    }
    released = true;
    request.release();
    if (bodyWaiting != null) {
      bodyWaiting.forEach(ByteBuf::release);
      bodyWaiting = null;
    }
  }

  private void fail(ProxyFailure failure, String detail, Throwable cause) {
    stage = Stage.ENDED;
    cancelTimer();
    release();
    if (logged != null) {
      logged.status(failure.status);
      logEnd(failure.end());
    }
    trace.end(failure.end().json(), failure.status, bytesIn);
    forwarder.metrics().answered(failure.status);
    String path = head.path();
    if (failure.status >= 500) {
      LOG.log(Level.WARNING, "{0} {1}: {2} after {3} tries{4}", head.method(), path, failure, tries,
          cause == null ? "" : " (last: " + cause + ")");
    }
    front.failure(this, failure.status, failure.message(path, detail), closeClient,
        failure == ProxyFailure.OVERLOADED ? forwarder.admission().retryAfterS() : 0);
  }

  /** The exchange ended as {@code end}: its entry goes to the access log, once. */
  private void logEnd(AccessEntry.End end) {
    if (logged != null) {
      forwarder.accessLog().end(logged, end);
      logged = null;
    }
  }

  /** The client went away: whatever is under way with a replica is given up. */
  void clientGone() {
    Stage was = stage;
    stage = Stage.ENDED;
    if (logged != null && was != Stage.ENDED && forwarder.accessLog().logsUnanswered()) {
      logEnd(AccessEntry.End.CLIENT_GONE);
    }
    if (was != Stage.ENDED) {
      trace.end(AccessEntry.End.CLIENT_GONE.json(), replyStatus, bytesIn);
    }
    if (queued) {
      queued = false;
      forwarder.admission().leave(replica.name(), this);
    }
    cancelTimer();
    if (conn != null && was != Stage.ENDED) {
      conn.close();
      conn = null;
    }
    endTry();
    release();
  }
}
