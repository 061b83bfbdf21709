package dev.lb.balancer;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Locale;
import java.util.Set;

/** Headers that belong to one connection (RFC 9110 §7.6.1) and never cross a proxy, plus those the proxy sets. */
final class HopByHop {

  private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "host", "content-length");

  private HopByHop() {}

  /** {@code headers} without hop-by-hop ones, nor any that their {@code Connection} header names. */
  static MultiMap filtered(MultiMap headers) {
    String connection = headers.get(HttpHeaders.CONNECTION);
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (var entry : headers) {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      if (!DROPPED.contains(name) && !namedIn(connection, name)) {
        out.add(entry.getKey(), entry.getValue());
      }
    }
    return out;
  }

  private static boolean namedIn(String connection, String name) {
    if (connection == null) {
      return false;
    }
    for (String token : connection.split(",")) {
      if (token.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
