package dev.lb.balancer;

import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.http.Replies;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Forwards a request to the replica the ring picks and relays its reply. A forward that fails is tried again on the
 * next replica clockwise (any method if nothing was sent, idempotent methods otherwise), and the failed replica is
 * taken out of routing at once.
 */
final class Forwarder {

  private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  /** Settings of forwarding: per-attempt timeout, and how many more replicas to try after a failure. */
  record Options(long timeoutMs, long connectTimeoutMs, int retries) { }

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
    private final MultiMap headers;
    private final Buffer body;
    private final long key;
    private int[] tried = new int[0];

    Attempt(RoutingContext ctx, long key, MultiMap headers, Buffer body) {
      this.ctx = ctx;
      this.key = key;
      this.headers = headers;
      this.body = body;
    }

    void send(ReplicaInfo target) {
      HttpServerRequest req = ctx.request();
      HttpRequest<Buffer> out = client.request(req.method(), target.port(), target.host(), req.uri())
          .putHeaders(headers).timeout(options.timeoutMs()).connectTimeout(options.connectTimeoutMs());
      table.started(target);
      (body == null || body.length() == 0 ? out.send() : out.sendBuffer(body))
          .onComplete(ar -> table.finished(target))
          .onSuccess(resp -> relay(resp))
          .onFailure(err -> failed(target, err));
    }

    private void failed(ReplicaInfo target, Throwable err) {
      if (table.markUnavailable(target.name())) {
        vertx.eventBus().publish(Addresses.REPLICA_SUSPECT,
            ReplicaMessages.replicaEvent(target.name(), "forward failed: " + err));
      }
      tried = append(tried, target.ringId());
      ReplicaInfo next = tried.length <= options.retries() && retryable(err) ? table.pick(key, this::untried) : null;
      if (next != null) {
        send(next);
        return;
      }
      String path = ctx.request().path();
      LOG.log(Level.WARNING, "forward of {0} {1} to ''{2}'' failed after {3} tries: {4}", ctx.request().method(), path,
          target.name(), tried.length, err.toString());
      Replies.failure(ctx.response(), 502, "<Error> Server replica '" + target.name() + "' failed to answer '" + path
          + "': " + err.getMessage());
    }

    private boolean untried(int ringId) {
      for (int id : tried) {
        if (id == ringId) {
          return false;
        }
      }
      return true;
    }

    private boolean retryable(Throwable err) {
      return nothingSent(err) || IDEMPOTENT.contains(ctx.request().method());
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

  private static MultiMap outboundHeaders(HttpServerRequest req) {
    MultiMap headers = HopByHop.filtered(req.headers());
    String client = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    String forwarded = req.getHeader("X-Forwarded-For");
    if (client != null) {
      headers.set("X-Forwarded-For", forwarded == null ? client : forwarded + ", " + client);
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
