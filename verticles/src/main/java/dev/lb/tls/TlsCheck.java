package dev.lb.tls;

import dev.lb.config.ConfigKeys;
import io.vertx.core.json.JsonObject;

/**
 * The launcher's check of the TLS settings before anything starts: the files read and checked, the engine chosen.
 * A mistake is an {@link IllegalArgumentException} of one line (a {@link TlsFileException} for a file), and nothing
 * is started.
 */
public final class TlsCheck {

  private TlsCheck() {}

  /** What the start-up line says of TLS ("" when it is off altogether); throws if a setting or a file is wrong. */
  public static String check(JsonObject conf) {
    TlsSettings tls = TlsSettings.from(conf);
    ReplicaTls replicas = ReplicaTls.from(conf);
    StringBuilder line = new StringBuilder();
    if (tls.enabled()) {
      ServerTls loaded = ServerTls.load(tls);
      line.append("HTTPS on ").append(tls.separatePort() ? "port " + conf.getInteger(ConfigKeys.TLS_PORT)
              + (tls.redirect() ? ", plain HTTP redirected" : ", plain HTTP beside it") : "this port")
          .append(" (").append(String.join(", ", tls.protocols())).append(tls.http2() ? "; h2, http/1.1" : "; http/1.1")
          .append("; ").append(TlsEngine.describe(TlsEngine.options(tls.engine())))
          .append("; ").append(loaded.primary().describe())
          .append(loaded.pairs().size() > 1 ? "; " + (loaded.pairs().size() - 1) + " more by SNI" : "")
          .append(")");
    }
    if (replicas.enabled()) {
      TlsEngine.options(replicas.engine());
      line.append(line.length() > 0 ? "; " : "").append("replicas over ").append(replicas.describe());
    }
    return line.toString();
  }
}
