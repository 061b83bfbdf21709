package dev.lb.balancer;

import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.http.Replies;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Forwards a request to the replica the ring picks and relays its reply. A try that fails is made again on the next
 * replica clockwise: any method if nothing reached the replica, idempotent methods also after a reset, a timeout or a
 * 5xx reply. All tries share the request's deadline; the failed replica is reported to outlier detection and, if
 * nothing answers there at all, taken out of routing at once.
 */
final class Forwarder {

  private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);
  private static final Set<Integer> RETRIED_STATUSES = Set.of(500, 502, 503, 504);
  /** Headers the balancer sets itself; a client's own values are dropped unless forwarded headers are trusted. */
  private static final String[] FORWARDING = {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP", "Forwarded"};

  /**
   * Settings of forwarding.
   *
   * @param timeoutMs        the whole time a client request may take, tries included
   * @param tryTimeoutMs     the time one try may wait for the replica's reply
   * @param connectTimeoutMs the time to get a connection to the replica
   * @param retries          further replicas tried after a failed try
   * @param trustForwarded   keep a client's X-Forwarded-For (when a trusted proxy stands in front)
   */
  record Options(long timeoutMs, long tryTimeoutMs, long connectTimeoutMs, int retries, boolean trustForwarded) { }

  private final Vertx vertx;
  private final WebClient client;
  private final RoutingTable table;
  private final KeySource keys;
  private final Options options;

  Forwarder(Vertx vertx, WebClient client, RoutingTable table, KeySource keys, Options options) {
    this.vertx = vertx;
    this.client = client;
    this.table = table;
    this.keys = keys;
    this.options = options;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    long key = keys.keyOf(req);
    ReplicaInfo target = table.pick(key);
    if (target == null) {
      Replies.failure(ctx.response(), 503, "<Error> No live server replica can serve '" + req.path() + "'");
      return;
    }
    new Attempt(ctx, key, outboundHeaders(req), ctx.body().buffer()).send(target);
  }

  /** One client request through its tries; lives until the reply is sent. */
  private final class Attempt {
    private final RoutingContext ctx;
    private final long key;
    private final MultiMap headers;
    private final Buffer body;
    private final long deadline;
    private int[] tried = new int[0];

    Attempt(RoutingContext ctx, long key, MultiMap headers, Buffer body) {
      this.ctx = ctx;
      this.key = key;
      this.headers = headers;
      this.body = body;
      this.deadline = System.nanoTime() + options.timeoutMs() * 1_000_000;
    }

    void send(ReplicaInfo target) {
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        timedOut(target);
        return;
      }
      HttpServerRequest req = ctx.request();
      HttpRequest<Buffer> out = client.request(req.method(), target.port(), target.host(), req.uri())
          .putHeaders(headers)
          .timeout(Math.min(options.tryTimeoutMs(), remainingMs))
          .connectTimeout(Math.min(options.connectTimeoutMs(), remainingMs));
      tried = append(tried, target.ringId());
      table.started(target);
      (body == null || body.length() == 0 ? out.send() : out.sendBuffer(body))
          .onComplete(ar -> table.finished(target))
          .onSuccess(resp -> answered(target, resp))
          .onFailure(err -> failed(target, err));
    }

    private void answered(ReplicaInfo target, HttpResponse<Buffer> resp) {
      if (resp.statusCode() < 500) {
        table.succeeded(target);
        relay(resp);
        return;
      }
      table.failed(target, false);
      ReplicaInfo next = RETRIED_STATUSES.contains(resp.statusCode()) && idempotent() ? nextReplica() : null;
      if (next != null) {
        send(next);
      } else {
        relay(resp);
      }
    }

    private void failed(ReplicaInfo target, Throwable err) {
      boolean nothingAnswered = err instanceof IOException || err instanceof HttpClosedException;
      if (table.failed(target, nothingAnswered)) {
        vertx.eventBus().publish(Addresses.REPLICA_SUSPECT,
            ReplicaMessages.replicaEvent(target.name(), "forward failed: " + err));
      }
      ReplicaInfo next = nothingSent(err) || idempotent() ? nextReplica() : null;
      if (next != null) {
        send(next);
      } else if (System.nanoTime() >= deadline) {
        timedOut(target);
      } else {
        String path = ctx.request().path();
        LOG.log(Level.WARNING, "forward of {0} {1} failed after {2} tries, last to ''{3}'': {4}", ctx.request().method(),
            path, tried.length, target.name(), err.toString());
        Replies.failure(ctx.response(), 502, "<Error> Server replica '" + target.name() + "' failed to answer '" + path
            + "': " + err.getMessage());
      }
    }

    private void timedOut(ReplicaInfo last) {
      String path = ctx.request().path();
      LOG.log(Level.WARNING, "{0} {1} got no answer within {2} ms ({3} tries, last to ''{4}'')", ctx.request().method(),
          path, options.timeoutMs(), tried.length, last.name());
      Replies.failure(ctx.response(), 504, "<Error> No server replica answered '" + path + "' within "
          + options.timeoutMs() + " ms");
    }

    /** The next replica clockwise not tried yet, if tries and time are left. */
    private ReplicaInfo nextReplica() {
      if (tried.length > options.retries() || System.nanoTime() >= deadline) {
        return null;
      }
      return table.pick(key, this::untried);
    }

    private boolean untried(int ringId) {
      for (int id : tried) {
        if (id == ringId) {
          return false;
        }
      }
      return true;
    }

    private boolean idempotent() {
      return IDEMPOTENT.contains(ctx.request().method());
    }

    private void relay(HttpResponse<Buffer> resp) {
      HttpServerResponse response = ctx.response();
      if (resp.statusCode() == 404) {
        Replies.failure(response, 400,
            "<Error> '" + ctx.request().path() + "' endpoint does not exist in server replicas");
        return;
      }
      if (response.closed() || response.ended()) {
        return;
      }
      response.setStatusCode(resp.statusCode()).setStatusMessage(resp.statusMessage());
      response.headers().addAll(HopByHop.filtered(resp.headers()));
      Buffer payload = resp.body();
      response.end(payload == null ? Buffer.buffer() : payload);
    }
  }

  /** True when the request cannot have reached the replica: no connection was made. */
  private static boolean nothingSent(Throwable err) {
    return err instanceof ConnectException
        || err instanceof TimeoutException && String.valueOf(err.getMessage()).contains("getting a connection");
  }

  private MultiMap outboundHeaders(HttpServerRequest req) {
    MultiMap headers = HopByHop.filtered(req.headers());
    String forwardedFor = options.trustForwarded() ? req.getHeader("X-Forwarded-For") : null;
    for (String name : FORWARDING) {
      headers.remove(name);
    }
    String client = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    if (client != null) {
      headers.set("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
      headers.set("X-Real-IP", client);
    }
    headers.set("X-Forwarded-Proto", req.isSSL() ? "https" : "http");
    if (req.authority() != null) {
      headers.set("X-Forwarded-Host", req.authority().toString());
    }
    return headers;
  }

  private static int[] append(int[] values, int value) {
    int[] out = Arrays.copyOf(values, values.length + 1);
    out[values.length] = value;
    return out;
  }
}
