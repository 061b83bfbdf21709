package dev.lb.balancer;

import dev.lb.http1.HttpHead;
import dev.lb.ring.RequestKeys;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import java.util.function.Function;

/**
 * Where a request's key comes from: {@code random} (a random 6-digit id per request, as the assignment asks),
 * {@code path} (the path, for cache affinity, as HAProxy's {@code balance uri}), {@code uri} (path and query),
 * {@code header:NAME}, {@code query:NAME}, {@code cookie:NAME} or {@code client} (the client's address). With an
 * affinity source, one key always reaches one replica while the set is unchanged; a request without the key gets a
 * random one.
 */
final class KeySource {

  private final String description;
  private final Function<HttpServerRequest, String> value;
  /** The same key, read from a head the byte relay parsed in place, and the client's address. */
  private final java.util.function.BiFunction<HttpHead, String, String> raw;

  private KeySource(String description, Function<HttpServerRequest, String> value,
      java.util.function.BiFunction<HttpHead, String, String> raw) {
    this.description = description;
    this.value = value;
    this.raw = raw;
  }

  static KeySource parse(String spec) {
    String trimmed = spec.trim();
    int colon = trimmed.indexOf(':');
    String kind = colon < 0 ? trimmed : trimmed.substring(0, colon);
    String name = colon < 0 ? "" : trimmed.substring(colon + 1).trim();
    return switch (kind) {
      case "random" -> new KeySource("random", req -> null, (head, client) -> null);
      case "client" -> new KeySource("client address", KeySource::clientAddress, (head, client) -> client);
      case "path" -> new KeySource("path", HttpServerRequest::path, (head, client) -> head.path());
      case "uri" -> new KeySource("path and query", HttpServerRequest::uri, (head, client) -> head.target());
      case "cookie" -> new KeySource("cookie " + required(name, spec), req -> cookie(req, name),
          (head, client) -> rawCookie(head, name));
      case "header" -> new KeySource("header " + required(name, spec),
          name.equalsIgnoreCase("host") ? KeySource::host : req -> req.getHeader(name),
          (head, client) -> head.value(name));
      case "query" -> new KeySource("query parameter " + required(name, spec), req -> req.getParam(name),
          (head, client) -> query(head.target(), name));
      default -> throw new IllegalArgumentException("unknown key source '" + spec
          + "'; use random, path, uri, client, header:NAME, query:NAME or cookie:NAME");
    };
  }

  private static String required(String name, String spec) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("key source '" + spec + "' needs a name, as in header:X-User-Id");
    }
    return name;
  }

  private static String cookie(HttpServerRequest req, String name) {
    Cookie cookie = req.getCookie(name);
    if (cookie == null && req.version() == HttpVersion.HTTP_2) {
      // HTTP/2 may split the cookies over several fields, of which Vert.x reads the first
      return splitCookie(req.headers().getAll(HttpHeaders.COOKIE), name);
    }
    return cookie == null ? null : cookie.getValue();
  }

  static String splitCookie(Iterable<String> fields, String name) {
    for (String field : fields) {
      for (String pair : field.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
          return pair.substring(eq + 1).trim();
        }
      }
    }
    return null;
  }

  /** The Host header, or an HTTP/2 request's authority, which stands for it. */
  private static String host(HttpServerRequest req) {
    String host = req.getHeader(HttpHeaders.HOST);
    if (host == null && req.authority() != null) {
      return req.authority().toString();
    }
    return host;
  }

  private static String clientAddress(HttpServerRequest req) {
    SocketAddress remote = req.remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }

  private static String rawCookie(HttpHead head, String name) {
    java.util.List<String> fields = new java.util.ArrayList<>(2);
    for (int f = head.find(HttpHeaders.COOKIE, 0); f >= 0; f = head.find(HttpHeaders.COOKIE, f + 1)) {
      fields.add(head.value(f));
    }
    return splitCookie(fields, name);
  }

  private static String query(String target, String name) {
    java.util.List<String> values = new io.netty.handler.codec.http.QueryStringDecoder(target).parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The key of a request the byte relay read, from {@code client}. */
  long keyOf(HttpHead head, String client) {
    String v = raw.apply(head, client);
    return v == null || v.isEmpty() ? RequestKeys.random() : RequestKeys.of(v);
  }

  long keyOf(HttpServerRequest req) {
    String v = value.apply(req);
    return v == null || v.isEmpty() ? RequestKeys.random() : RequestKeys.of(v);
  }

  @Override
  public String toString() {
    return description;
  }
}
