package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;

/**
 * A connection upgrade (a WebSocket, or any {@code Upgrade} a replica accepts) passed through to the replica the key
 * picks: the upgrade request goes on with its {@code Upgrade} header; if the replica answers 101, its answer goes back
 * and from then on bytes flow both ways, with back-pressure, until either side closes. Any other answer is relayed as
 * it is. An upgrade is tried on one replica only: once accepted, a tunnel cannot be moved.
 */
final class Tunnel {

  private static final System.Logger LOG = System.getLogger(Tunnel.class.getName());

  private final Forwarder forwarder;
  private final HttpServerRequest req;

  Tunnel(Forwarder forwarder, HttpServerRequest req) {
    this.forwarder = forwarder;
    this.req = req;
  }

  /** A GET asking, by its {@code Connection} and {@code Upgrade} headers, to switch protocols. */
  static boolean isUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    String connection = req.getHeader(HttpHeaders.CONNECTION);
    return upgrade != null && connection != null && req.method() == HttpMethod.GET
        && connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade");
  }

  void open(ReplicaInfo target) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    req.pause();
    forwarder.table.started(target);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host()).setPort(target.port())
        .setURI(req.uri()).setConnectTimeout(forwarder.options.connectTimeoutMs())
        .setIdleTimeout(forwarder.options.tryTimeoutMs());
    forwarder.client.request(options)
        .compose(out -> {
          forwarder.copyHeaders(req, out.headers());
          out.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE).set(HttpHeaders.UPGRADE, upgrade);
          return out.connect();
        })
        .onSuccess(resp -> answered(target, resp))
        .onFailure(err -> {
          forwarder.table.finished(target);
          if (forwarder.table.failed(target, err instanceof java.net.ConnectException)) {
            forwarder.suspect(target, err);
          }
          LOG.log(Level.WARNING, "upgrade of {0} to ''{1}'' failed: {2}", req.path(), target.name(), err.toString());
          ProxyFailure.REPLICA_FAILED.reply(req, "'" + target.name() + "'");
        });
  }

  private void answered(ReplicaInfo target, HttpClientResponse resp) {
    HttpServerResponse out = req.response();
    if (resp.statusCode() != 101) {
      req.resume();
      out.setStatusCode(resp.statusCode()).setStatusMessage(resp.statusMessage());
      out.headers().setAll(resp.headers());
      HopByHop.strip(out.headers());
      resp.body().onComplete(ar -> {
        forwarder.table.finished(target);
        out.end(ar.succeeded() ? ar.result() : io.vertx.core.buffer.Buffer.buffer());
      });
      return;
    }
    out.setStatusCode(101);
    out.headers().setAll(resp.headers());
    NetSocket replica = resp.netSocket();
    req.toNetSocket().onSuccess(client -> {
      client.pipeTo(replica).onComplete(ar -> replica.close());
      replica.pipeTo(client).onComplete(ar -> {
        client.close();
        forwarder.table.finished(target);
      });
    }).onFailure(err -> {
      LOG.log(Level.WARNING, "upgrade of {0}: the client's connection could not be taken over: {1}", req.path(), err);
      replica.close();
      forwarder.table.finished(target);
    });
  }
}
