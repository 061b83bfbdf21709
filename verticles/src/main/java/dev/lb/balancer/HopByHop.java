package dev.lb.balancer;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * Headers that belong to one connection (RFC 9110 §7.6.1) and never cross a proxy, plus those the proxy sets itself,
 * removed in place from a copy of the message's headers: nothing is built per request but what is removed.
 */
final class HopByHop {

  private static final CharSequence KEEP_ALIVE = HttpHeaders.createOptimized("keep-alive");
  private static final CharSequence PROXY_CONNECTION = HttpHeaders.createOptimized("proxy-connection");
  private static final CharSequence TRAILER = HttpHeaders.createOptimized("trailer");
  private static final CharSequence PROXY_AUTHENTICATE = HttpHeaders.createOptimized("proxy-authenticate");
  private static final CharSequence PROXY_AUTHORIZATION = HttpHeaders.createOptimized("proxy-authorization");
  private static final CharSequence TE = HttpHeaders.createOptimized("te");

  /** Dropped both ways; the proxy frames each message itself (length or chunks) and sets its own Host. */
  private static final CharSequence[] DROPPED = {HttpHeaders.CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, TE, TRAILER,
      HttpHeaders.TRANSFER_ENCODING, HttpHeaders.UPGRADE, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION, HttpHeaders.HOST,
      HttpHeaders.CONTENT_LENGTH};

  private HopByHop() {}

  /**
   * Removes from {@code headers} the hop-by-hop ones and any that their {@code Connection} lines name (every line:
   * several lines of a list mean one line listing them all, RFC 9110 §5.3).
   */
  static void strip(MultiMap headers) {
    // the list of lines is only built when there is a Connection header at all
    if (headers.contains(HttpHeaders.CONNECTION)) {
      for (String connection : headers.getAll(HttpHeaders.CONNECTION)) {
        removeNamed(headers, connection.trim());
      }
    }
    for (CharSequence name : DROPPED) {
      headers.remove(name);
    }
  }

  private static void removeNamed(MultiMap headers, String connection) {
    if (isStandardToken(connection)) {
      return;
    }
    for (String token : connection.split(",")) {
      String name = token.trim();
      if (!name.isEmpty()) {
        headers.remove(name);
      }
    }
  }

  /** {@code keep-alive}, {@code close} and {@code upgrade} name no other header worth a lookup. */
  private static boolean isStandardToken(String token) {
    return token.equalsIgnoreCase("keep-alive") || token.equalsIgnoreCase("close") || token.equalsIgnoreCase("upgrade");
  }
}
