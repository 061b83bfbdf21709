package dev.lb.api;

import dev.lb.http.Replies;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may change the set through {@code /add} and {@code /rm}: never a request a browser marks as coming from another
 * site (a web page open in an operator's browser can send a {@code POST} as {@code text/plain} to any address without
 * asking first), whether or not a token is set; and, with an admin token, only a request that carries it. curl, scripts
 * and the assignment's clients send no {@code Origin} and pass as before; the dashboard, served on the admin port,
 * sends its own origin and passes too when it was reached by an IP address or {@code localhost}. Its own origin under
 * a DNS name passes only if listed in {@code LB_ALLOWED_ORIGINS}: a page whose name an attacker re-pointed at the
 * balancer (DNS rebinding) sends an {@code Origin} equal to its {@code Host} too.
 */
public final class ApiGuard {

  private static final String BEARER = "Bearer ";
  private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";

  private final byte[] token;
  private final Set<String> allowedOrigins;

  /**
   * @param token           the bearer token required; empty: none
   * @param allowedOrigins  origins allowed besides the API's own, comma-separated ({@code https://ops.example.com})
   */
  public ApiGuard(String token, String allowedOrigins) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.allowedOrigins = Arrays.stream(allowedOrigins.split(",")).map(ApiGuard::normalized).filter(o -> !o.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Lets {@code ctx} go on, or answers it: 403 for a cross-site request, 401 without the token. */
  void check(RoutingContext ctx) {
    String crossSite = crossSite(ctx.request());
    if (crossSite != null) {
      Replies.failure(ctx.response(), 403, "<Error> '" + ctx.request().path() + "' refuses " + crossSite
          + " (allow an origin with LB_ALLOWED_ORIGINS)");
      return;
    }
    if (token.length == 0) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    boolean bearer = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length());
    byte[] given = bearer ? header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (MessageDigest.isEqual(given, token)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"load-balancer admin\"");
    Replies.failure(ctx.response(), 401, "<Error> '" + ctx.request().path() + "' needs the admin token: "
        + (header == null ? "no Authorization header" : "the bearer token given is wrong"));
  }

  /**
   * Why {@code req} is a browser's request from another site, or null if it is not: an {@code Origin} that is neither
   * the API's own (the {@code Host} it was sent to) nor an allowed one, or, without an allowed {@code Origin},
   * {@code Sec-Fetch-Site: cross-site}.
   */
  String crossSite(HttpServerRequest req) {
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    String normalized = origin == null ? null : normalized(origin);
    if (normalized != null && allowedOrigins.contains(normalized)) {
      return null;
    }
    String site = req.getHeader(SEC_FETCH_SITE);
    if (site != null && site.trim().equalsIgnoreCase("cross-site")) {
      return "a cross-site request from a browser (Sec-Fetch-Site: cross-site)";
    }
    if (normalized == null || sameOrigin(normalized, req.authority() == null ? req.getHeader(HttpHeaders.HOST)
        : req.authority().toString())) {
      return null;
    }
    return "a request from another origin (Origin: " + origin + ")";
  }

  /** Whether {@code origin} is that of {@code host}, and {@code host} an address or localhost (no rebinding). */
  private static boolean sameOrigin(String origin, String host) {
    int scheme = origin.indexOf("://");
    if (host == null || scheme < 0 || !origin.substring(scheme + 3).equals(host.trim().toLowerCase(Locale.ROOT))) {
      return false;
    }
    String name = host.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      return true;
    }
    int colon = name.indexOf(':');
    name = colon < 0 ? name : name.substring(0, colon);
    return name.equals("localhost") || name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  private static String normalized(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
