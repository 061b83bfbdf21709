package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import dev.lb.metrics.ProxyMetrics;
import io.vertx.core.http.HttpClientConnection;
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
  private final boolean secure;

  Tunnel(Forwarder forwarder, HttpServerRequest req, boolean secure) {
    this.forwarder = forwarder;
    this.req = req;
    this.secure = secure;
  }

  /**
   * A GET asking, by its {@code Connection} and {@code Upgrade} headers, to switch protocols, to none of which the
   * balancer objects. An upgrade that lists {@code h2c} anywhere is no tunnel but an ordinary request (its
   * {@code Upgrade} dropped as hop-by-hop): past a 101 the client would speak HTTP/2 straight to the replica, unrouted,
   * with forwarding headers of its own choosing.
   */
  static boolean isUpgrade(HttpServerRequest req) {
    String connection = req.getHeader(HttpHeaders.CONNECTION);
    if (req.method() != HttpMethod.GET || connection == null
        || !connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade")) {
      return false;
    }
    java.util.List<String> lines = req.headers().getAll(HttpHeaders.UPGRADE);
    if (lines.isEmpty()) {
      return false;
    }
    for (String line : lines) {
      for (String protocol : line.split(",")) {
        if (isH2c(protocol.trim())) {
          return false;
        }
      }
    }
    return true;
  }

  /** {@code h2c}, in any case, with or without a version ({@code h2c/1}). */
  static boolean isH2c(String protocol) {
    int slash = protocol.indexOf('/');
    return (slash < 0 ? protocol : protocol.substring(0, slash).trim()).equalsIgnoreCase("h2c");
  }

  void open(ReplicaInfo target) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    req.pause();
    ProxyMetrics.Replica meters = forwarder.started(target);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(req.uri())
        .setIdleTimeout(forwarder.options().tryTimeoutMs());
    HttpClientConnection[] connection = new HttpClientConnection[1];
    forwarder.dedicated(target)
        .compose(opened -> {
          connection[0] = opened;
          return opened.request(options);
        })
        .compose(out -> {
          forwarder.copyHeaders(req, secure, out.headers());
          out.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE).set(HttpHeaders.UPGRADE, upgrade);
          return out.connect();
        })
        .onSuccess(resp -> answered(target, meters, resp))
        .onFailure(err -> {
          if (connection[0] != null) {
            // outside the pool: nobody else would close it
            connection[0].close();
          }
          forwarder.ended(target, meters);
          forwarder.failed(target, TryFailure.afterSending(err), err);
          LOG.log(Level.WARNING, "upgrade of {0} to ''{1}'' failed: {2}", req.path(), target.name(), err.toString());
          ProxyFailure.REPLICA_FAILED.reply(req, "'" + target.name() + "'");
        });
  }

  private void answered(ReplicaInfo target, ProxyMetrics.Replica meters, HttpClientResponse resp) {
    HttpServerResponse out = req.response();
    if (resp.statusCode() != 101) {
      req.resume();
      // refused: the reply goes on as any other, and the connection, the tunnel's own, is closed after it
      out.setStatusCode(resp.statusCode()).setStatusMessage(resp.statusMessage());
      out.headers().setAll(resp.headers());
      HopByHop.strip(out.headers());
      String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null) {
        out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
      } else {
        out.setChunked(true);
      }
      resp.pipe().endOnFailure(false).to(out).onComplete(ar -> {
        if (ar.failed()) {
          out.reset();
        }
        forwarder.ended(target, meters);
        resp.request().connection().close();
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
        forwarder.ended(target, meters);
      });
    }).onFailure(err -> {
      LOG.log(Level.WARNING, "upgrade of {0}: the client's connection could not be taken over: {1}", req.path(), err);
      replica.close();
      forwarder.ended(target, meters);
    });
  }
}
