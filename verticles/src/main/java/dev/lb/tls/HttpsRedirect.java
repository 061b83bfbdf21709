package dev.lb.tls;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.function.IntSupplier;

/**
 * Plain HTTP's answer when {@code tls.redirect} is on: {@code 308 Permanent Redirect} to the same host, path and
 * query over HTTPS (308 rather than 301: the method and body are kept, so a POST is sent again as a POST).
 */
public final class HttpsRedirect {

  private final IntSupplier httpsPort;
  private final String fallbackHost;

  /** To the HTTPS port {@code httpsPort} gives (known once it listens); {@code fallbackHost} for a request without Host. */
  public HttpsRedirect(IntSupplier httpsPort, String fallbackHost) {
    this.httpsPort = httpsPort;
    this.fallbackHost = fallbackHost;
  }

  public void handle(HttpServerRequest req) {
    String location = location(req.authority(), req.uri(), httpsPort.getAsInt(), fallbackHost);
    // a body (a POST's) is read and dropped before the answer, so that the connection is left at a request's end
    req.end().onComplete(ar -> {
      if (ar.failed()) {
        return; // the client went away before its request ended: nobody to answer
      }
      req.response().setStatusCode(308).putHeader(HttpHeaders.LOCATION, location)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end("HTTPS only: " + location + "\n");
    });
  }

  /** The HTTPS URL of a request for {@code uri} that named {@code authority} (its port dropped for the HTTPS one). */
  static String location(HostAndPort authority, String uri, int port, String fallbackHost) {
    String host = authority == null || authority.host().isEmpty() ? fallbackHost : authority.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String path = uri.startsWith("/") ? uri : "/";
    return "https://" + host + (port == 443 ? "" : ":" + port) + path;
  }
}
