package dev.lb.balancer;

import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.http.AccessLog;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.server.Lease;
import dev.lb.tracing.RequestTrace;
import dev.lb.tracing.Tracing;
import io.opentelemetry.context.propagation.TextMapGetter;
import dev.lb.http1.HeadParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.HostAndPort;

/**
 * Forwards every request of the balancer's HTTP stack to the replica the ring picks, through the byte relay's
 * {@link Upstream} ({@link StackDoor}), and passes connection upgrades through ({@link Tunnel}). Holds what all
 * exchanges of one balancer instance share, relayed or not, and is their one way to it: its connections (on the
 * balancer's event loop), its routing table, the retry policy, overload protection, metrics and settings.
 */
final class Forwarder {

  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
  private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
  private static final CharSequence X_REAL_IP = HttpHeaders.createOptimized("X-Real-IP");
  private static final CharSequence FORWARDED = HttpHeaders.createOptimized("Forwarded");
  private static final CharSequence LEASE = HttpHeaders.createOptimized(Lease.HEADER);
  private static final CharSequence HTTP = HttpHeaders.createOptimized("http");
  private static final CharSequence HTTPS = HttpHeaders.createOptimized("https");

  /**
   * Settings of forwarding.
   *
   * @param timeoutMs        the time a request may wait for a reply's head, tries included
   * @param tryTimeoutMs     the time one try may wait for the replica's reply
   * @param connectTimeoutMs the time to get a connection to the replica
   * @param retries          further replicas tried after a failed try
   * @param trustForwarded   keep a client's X-Forwarded-For (when a trusted proxy stands in front)
   * @param bodyLimit        largest request body forwarded, in bytes; 0: no limit
   * @param retryBodyBytes   an idempotent request's body up to this size is kept, so it can be sent again
   * @param rewrite404       a replica's 404 becomes the assignment's 400 (off for services whose 404s are answers)
   * @param retryBudgetPercent retries may add at most this share of the requests of the last seconds
   *                         ({@link RetryBudget}); 0: no budget, only {@code retries} bounds them
   * @param maxInflight      tries in flight to one replica at most, from this balancer instance ({@link Admission});
   *                         0: no cap
   * @param maxQueue         tries that may wait for a slot of one replica
   * @param queueTimeoutMs   how long a try may wait for a slot
   */
  record Options(long timeoutMs, long tryTimeoutMs, long connectTimeoutMs, int retries, boolean trustForwarded,
      long bodyLimit, int retryBodyBytes, boolean rewrite404, int retryBudgetPercent, int maxInflight, int maxQueue,
      long queueTimeoutMs) {

    /** Without overload protection (tests, and the settings of before it). */
    Options(long timeoutMs, long tryTimeoutMs, long connectTimeoutMs, int retries, boolean trustForwarded,
        long bodyLimit, int retryBodyBytes, boolean rewrite404, int retryBudgetPercent) {
      this(timeoutMs, tryTimeoutMs, connectTimeoutMs, retries, trustForwarded, bodyLimit, retryBodyBytes, rewrite404,
          retryBudgetPercent, 0, 0, 1);
    }

    /** The share of one of {@code instances} balancer event loops: the cap of in-flight tries split between them. */
    Options sharedBy(int instances) {
      int share = maxInflight <= 0 ? 0 : (maxInflight + instances - 1) / Math.max(1, instances);
      return new Options(timeoutMs, tryTimeoutMs, connectTimeoutMs, retries, trustForwarded, bodyLimit, retryBodyBytes,
          rewrite404, retryBudgetPercent, share, maxQueue, queueTimeoutMs);
    }
  }

  private final Vertx vertx;
  /** The connections a tunnel takes over ({@link Tunnel}); every other request goes through {@link #upstream}. */
  private final HttpClientAgent tunnels;
  private final Upstream upstream;
  private final HeadParser parser;
  private final RoutingTable table;
  private final Options options;
  private final RetryPolicy retries;
  private final ProxyMetrics metrics;
  private final AccessLog accessLog;
  private final Tracing tracing;
  private final KeySource keys;
  private final Admission admission;

  Forwarder(Vertx vertx, Upstream upstream, HeadParser parser, HttpClientAgent tunnels, RoutingTable table,
      KeySource keys, Options options, ProxyMetrics metrics, AccessLog accessLog, Tracing tracing) {
    this.tracing = tracing;
    this.vertx = vertx;
    this.upstream = upstream;
    this.parser = parser;
    this.tunnels = tunnels;
    this.table = table;
    this.keys = keys;
    this.options = options;
    this.retries = new RetryPolicy(options.retries(),
        options.retryBudgetPercent() > 0 ? new RetryBudget(options.retryBudgetPercent(), System::nanoTime) : null,
        metrics::retryRefused);
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.admission = options.maxInflight() > 0 ? admission(vertx, options, metrics) : Admission.none();
    table.onOutOfRouting(names -> names.forEach(admission::left));
  }

  /**
   * Overload protection on the balancer's own context (this is built in its start): its timers and hand-overs run
   * there, whichever connection, relayed or not, asked for a slot.
   */
  private static Admission admission(Vertx vertx, Options options, ProxyMetrics metrics) {
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    return new Admission(options.maxInflight(), options.maxQueue(), options.queueTimeoutMs(), new Admission.Timers() {
      @Override
      public long after(long ms, Runnable task) {
        return context.setTimer(ms, id -> task.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    }, task -> context.runOnContext(v -> task.run()), new Admission.Meters() {
      @Override
      public void queued() {
        metrics.queued();
      }

      @Override
      public void rejected(boolean timedOut) {
        metrics.queueRejected(timedOut);
      }
    });
  }

  /** Overload protection: the cap of tries in flight to each replica, and the wait for a slot. */
  Admission admission() {
    return admission;
  }

  /** {@code secure}: the client came over TLS, whether to Vert.x's server or to the relay in front of it. */
  void handle(HttpServerRequest req, boolean secure) {
    long key = keys.keyOf(req);
    ReplicaInfo target = table.pick(key);
    if (target == null) {
      logAnswered(req, ProxyFailure.NO_REPLICA);
      ProxyFailure.NO_REPLICA.reply(req, "");
      return;
    }
    long length = contentLength(req);
    if (options.bodyLimit() > 0 && length > options.bodyLimit()) {
      logAnswered(req, ProxyFailure.BODY_TOO_LARGE);
      ProxyFailure.BODY_TOO_LARGE.reply(req, String.valueOf(options.bodyLimit()));
      return;
    }
    if (Tunnel.isUpgrade(req)) {
      new Tunnel(this, req, secure).open(target);
      return;
    }
    new StackDoor(this, req, secure, key).start(length);
  }

  /** A request answered before any exchange began, for the access log. */
  private void logAnswered(HttpServerRequest req, ProxyFailure failure) {
    if (accessLog.on()) {
      accessLog.answered(req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress(), req.method().name(),
          req.uri(), StackDoor.protocol(req.version()), failure.status);
    }
  }

  Options options() {
    return options;
  }

  RetryPolicy retries() {
    return retries;
  }

  Upstream upstream() {
    return upstream;
  }

  /** Reads a request's head as the relay does (the HTTP stack's requests, written as they go on, are read back). */
  HeadParser parser() {
    return parser;
  }

  /** A connection of its own to {@code replica}, which a tunnel takes over for good: the caller's to close. */
  Future<HttpClientConnection> dedicated(ReplicaInfo replica) {
    return tunnels.connect(new HttpConnectOptions().setHost(replica.host()).setPort(replica.port())
        .setConnectTimeout(options.connectTimeoutMs()));
  }

  ProxyMetrics metrics() {
    return metrics;
  }

  AccessLog accessLog() {
    return accessLog;
  }

  /**
   * Begins following a request (its {@code X-Request-Id}, its spans) whose fields {@code getter} reads from
   * {@code carrier}, keyed {@code key}; the trace's edits go into the head written on.
   */
  <C> RequestTrace trace(TextMapGetter<C> getter, C carrier, String requestId, String method, String path,
      String protocol, String client, long key) {
    RequestTrace trace = RequestTrace.begin(tracing, getter, carrier, requestId, method, path, protocol, client);
    if (tracing.on()) {
      trace.keyed(keys.toString(), table.slotOf(key));
    }
    return trace;
  }

  /** The replica that serves {@code key} among those {@code allowed} also accepts. */
  ReplicaInfo pick(long key, java.util.function.IntPredicate allowed) {
    return table.pick(key, allowed);
  }

  /** Where {@code key} lands on the ring (for the access log). */
  int slotOf(long key) {
    return table.slotOf(key);
  }

  /** A forward to {@code replica} begins: it counts as in flight (load bound, drains, metrics) until {@link #ended}. */
  ProxyMetrics.Replica started(ReplicaInfo replica) {
    table.started(replica);
    ProxyMetrics.Replica meters = metrics.of(replica.name());
    meters.started();
    return meters;
  }

  void ended(ReplicaInfo replica, ProxyMetrics.Replica meters) {
    meters.ended();
    table.finished(replica);
  }

  /** A try that held a slot of {@code replica} ({@link Admission}) ended: as {@link #ended}, and the slot is free. */
  void endedTry(ReplicaInfo replica, ProxyMetrics.Replica meters) {
    ended(replica, meters);
    admission.release(replica.name());
  }

  /** The replica answered: a server error ({@code ok} false) counts towards its ejection, anything else resets it. */
  void judged(ReplicaInfo replica, boolean ok) {
    if (ok) {
      table.succeeded(replica);
    } else {
      table.failed(replica, false);
    }
  }

  /**
   * A forward to {@code replica} got no answer ({@code err}): it counts towards its ejection, and if it refused the
   * connection, the heartbeat probes it now rather than at its next turn.
   */
  void failed(ReplicaInfo replica, TryFailure failure, Throwable err) {
    if (table.failed(replica, failure == TryFailure.REFUSED)) {
      vertx.eventBus().publish(Addresses.REPLICA_SUSPECT, ReplicaMessages.replicaEvent(replica.name(),
          "forward failed: " + err));
    }
  }

  /** The request's declared body length; -1 if chunked or unknown, 0 if it has no body. */
  static long contentLength(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return req.getHeader(HttpHeaders.TRANSFER_ENCODING) == null ? 0 : -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The same for a method read as text (methods are case-sensitive, RFC 9110 §9.1). */
  static boolean idempotent(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
      default -> false;
    };
  }

  static boolean idempotent(HttpMethod method) {
    return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
        || method == HttpMethod.PUT || method == HttpMethod.DELETE || method == HttpMethod.TRACE;
  }

  /**
   * The request's headers as they go to a replica (over HTTP/1.1, whatever the client spoke): without hop-by-hop ones,
   * with the forwarding ones set here: {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code X-Real-IP} and
   * their standard form, {@code Forwarded} (RFC 7239). An HTTP/2 request's authority stands for its Host, and its
   * cookies, which HTTP/2 may split over several fields, are joined into one (RFC 9113 §8.2.3).
   */
  void copyHeaders(HttpServerRequest req, boolean secure, MultiMap out) {
    MultiMap in = req.headers();
    boolean trust = options.trustForwarded();
    String forwardedFor = trust ? in.get(X_FORWARDED_FOR) : null;
    String forwarded = trust && in.contains(FORWARDED) ? String.join(", ", in.getAll(FORWARDED)) : null;
    boolean http2 = req.version() == HttpVersion.HTTP_2;
    out.setAll(in);
    HopByHop.strip(out);
    out.remove(FORWARDED).remove(X_REAL_IP).remove(X_FORWARDED_HOST).remove(LEASE);
    String client = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    if (client != null) {
      out.set(X_FORWARDED_FOR, forwardedFor == null ? client : forwardedFor + ", " + client);
      out.set(X_REAL_IP, client);
    } else {
      out.remove(X_FORWARDED_FOR);
    }
    out.set(X_FORWARDED_PROTO, secure ? HTTPS : HTTP);
    String host = in.get(HttpHeaders.HOST);
    if (host == null && http2) {
      HostAndPort authority = req.authority();
      host = authority == null ? null : authority.toString();
    }
    if (host != null) {
      out.set(X_FORWARDED_HOST, host);
    }
    out.set(FORWARDED, forwarded(forwarded, client, host, secure));
    if (http2 && in.getAll(HttpHeaders.COOKIE).size() > 1) {
      out.set(HttpHeaders.COOKIE, String.join("; ", in.getAll(HttpHeaders.COOKIE)));
    }
  }

  /**
   * The {@code Forwarded} value of one hop (RFC 7239): {@code for=}, {@code host=}, {@code proto=}, after
   * {@code prior} (a trusted proxy's elements) if any. An IPv6 address and the host are quoted.
   */
  static String forwarded(String prior, String client, String host, boolean secure) {
    StringBuilder value = new StringBuilder(64);
    if (prior != null && !prior.isBlank()) {
      value.append(prior).append(", ");
    }
    if (client != null) {
      value.append("for=");
      if (client.indexOf(':') >= 0) {
        value.append("\"[").append(client).append("]\"");
      } else {
        value.append(client);
      }
      value.append(';');
    }
    if (host != null) {
      value.append("host=\"");
      for (int k = 0; k < host.length(); k++) {
        char c = host.charAt(k);
        if (c == '"' || c == '\\') {
          value.append('\\');
        }
        value.append(c);
      }
      value.append("\";");
    }
    return value.append(secure ? "proto=https" : "proto=http").toString();
  }
}
