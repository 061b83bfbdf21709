package dev.lb.tls;

import dev.lb.config.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the balancer's port speaks TLS, read once from a complete configuration (see {@link dev.lb.config.Settings}).
 * Only the shape is checked here; the files are read and checked by {@link ServerTls#load}.
 *
 * @param cert      the PEM certificate chain, or null: no HTTPS
 * @param key       its PEM private key, or null
 * @param port      -1: HTTPS on the balancer's port itself; otherwise HTTPS on this port (0: one the system picks)
 *                  beside plain HTTP on the balancer's port
 * @param redirect  plain HTTP answers every request with 308 to the HTTPS URL (needs a port of its own for HTTPS)
 * @param protocols the TLS versions offered ({@code TLSv1.2}, {@code TLSv1.3})
 * @param http2     whether HTTP/2 is offered through ALPN beside HTTP/1.1
 * @param engine    {@code auto}, {@code openssl} or {@code jdk} (see {@link TlsEngine})
 * @param reloadMs  how often the files are checked for a change; 0: only on SIGHUP
 * @param sniDir    a folder of further certificate and key pairs chosen by SNI name, or null
 */
public record TlsSettings(Path cert, Path key, int port, boolean redirect, List<String> protocols, boolean http2,
    String engine, long reloadMs, Path sniDir) {

  /** HTTPS off: the balancer's port speaks plain HTTP, as it did before TLS. */
  public static final TlsSettings OFF = new TlsSettings(null, null, -1, false, List.of("TLSv1.2", "TLSv1.3"), true,
      TlsEngine.AUTO, 0, null);

  private static final List<String> KNOWN = List.of("TLSv1.2", "TLSv1.3");

  public static TlsSettings from(JsonObject config) {
    String cert = config.getString(ConfigKeys.TLS_CERT).trim();
    String key = config.getString(ConfigKeys.TLS_KEY).trim();
    if (cert.isEmpty() != key.isEmpty()) {
      throw new IllegalArgumentException(cert.isEmpty() ? "tls.key (LB_TLS_KEY) is set but tls.cert (LB_TLS_CERT) is not"
          : "tls.cert (LB_TLS_CERT) is set but tls.key (LB_TLS_KEY) is not");
    }
    int port = config.getInteger(ConfigKeys.TLS_PORT);
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("tls.port must be -1 (HTTPS on the balancer's port), 0 or a port; got " + port);
    }
    boolean redirect = config.getBoolean(ConfigKeys.TLS_REDIRECT);
    boolean on = !cert.isEmpty();
    if (on && port > 0 && port == config.getInteger(ConfigKeys.HTTP_PORT)) {
      throw new IllegalArgumentException("tls.port " + port + " is the balancer's plain HTTP port (http.port); use -1 "
          + "for HTTPS on that port alone");
    }
    if (on && redirect && port < 0) {
      throw new IllegalArgumentException("tls.redirect needs tls.port (LB_TLS_PORT): HTTPS on a port of its own");
    }
    String engine = config.getString(ConfigKeys.TLS_ENGINE).trim().toLowerCase(Locale.ROOT);
    if (!TlsEngine.NAMES.contains(engine)) {
      throw new IllegalArgumentException("unknown tls.engine '" + engine + "'; choose one of " + TlsEngine.NAMES);
    }
    long reloadMs = config.getLong(ConfigKeys.TLS_RELOAD_MS);
    if (reloadMs < 0) {
      throw new IllegalArgumentException("tls.reload.ms must be 0 (on SIGHUP only) or more; got " + reloadMs);
    }
    String sni = config.getString(ConfigKeys.TLS_SNI_DIR).trim();
    return new TlsSettings(on ? Path.of(cert) : null, on ? Path.of(key) : null, port, on && redirect,
        protocols(config.getString(ConfigKeys.TLS_PROTOCOLS)), config.getBoolean(ConfigKeys.TLS_HTTP2), engine,
        reloadMs, sni.isEmpty() ? null : Path.of(sni));
  }

  /** {@code TLSv1.2,TLSv1.3}, {@code 1.3} ...: the versions named, of the two modern ones; older ones are refused. */
  static List<String> protocols(String list) {
    List<String> protocols = new ArrayList<>();
    for (String word : list.split(",")) {
      String w = word.trim();
      if (w.isEmpty()) {
        continue;
      }
      String name = w.matches("1\\.[0-9]") ? "TLSv" + w : w.replaceFirst("(?i)^tls[v ]?", "TLSv");
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException("tls.protocols: '" + w + "' is not offered; choose among " + KNOWN
            + " (older versions are weak)");
      }
      if (!protocols.contains(name)) {
        protocols.add(name);
      }
    }
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("tls.protocols names no version; choose among " + KNOWN);
    }
    return List.copyOf(protocols);
  }

  /** Whether the balancer serves HTTPS. */
  public boolean enabled() {
    return cert != null;
  }

  /** Whether HTTPS has a port of its own, beside plain HTTP on the balancer's port. */
  public boolean separatePort() {
    return enabled() && port >= 0;
  }
}
