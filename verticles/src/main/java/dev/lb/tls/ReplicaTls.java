package dev.lb.tls;

import dev.lb.config.ConfigKeys;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;

/**
 * Whether the balancer speaks HTTPS to its replicas (a service of one's own that serves only HTTPS), and how their
 * certificates are trusted: by a CA file, by the JDK's trusted CAs, or, for development only, not at all. The
 * forward path, the heartbeat and the readiness probes all use it.
 *
 * @param enabled    whether replicas are reached over HTTPS
 * @param ca         the PEM file of trusted CA certificates, or null for the JDK's
 * @param trustAll   any certificate is accepted (development only)
 * @param verifyHost a replica's certificate must name the host or address it is reached at
 * @param engine     the TLS engine ({@link TlsEngine}), as for the balancer's own port
 */
public record ReplicaTls(boolean enabled, Path ca, boolean trustAll, boolean verifyHost, String engine) {

  /** Plain HTTP to the replicas. */
  public static final ReplicaTls OFF = new ReplicaTls(false, null, false, true, TlsEngine.AUTO);

  /** The settings of a complete configuration; the CA file, if any, is read and checked now. */
  public static ReplicaTls from(JsonObject config) {
    if (!config.getBoolean(ConfigKeys.REPLICA_TLS)) {
      return OFF;
    }
    String ca = config.getString(ConfigKeys.REPLICA_TLS_CA).trim();
    Path caFile = ca.isEmpty() ? null : Path.of(ca);
    if (caFile != null) {
      Pem.trusted(caFile, ConfigKeys.REPLICA_TLS_CA);
    }
    return new ReplicaTls(true, caFile, config.getBoolean(ConfigKeys.REPLICA_TLS_TRUST_ALL),
        config.getBoolean(ConfigKeys.REPLICA_TLS_VERIFY_HOST), config.getString(ConfigKeys.TLS_ENGINE).trim());
  }

  /** {@code options} set up to reach the replicas as these settings say (unchanged when off). */
  public <T extends HttpClientOptions> T apply(T options) {
    if (!enabled) {
      return options;
    }
    options.setSsl(true).setTrustAll(trustAll).setVerifyHost(verifyHost && !trustAll)
        .setSslEngineOptions(engineOptions());
    if (ca != null && !trustAll) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    }
    return options;
  }

  /**
   * How a connection of the byte relay's own client reaches a replica as these settings say: null when off (plain TCP).
   * The engine is the client's ({@link #engineOptions()}); a host name is checked as HTTPS does, unless told not to.
   */
  public ClientSSLOptions connectOptions() {
    if (!enabled) {
      return null;
    }
    ClientSSLOptions options = new ClientSSLOptions().setTrustAll(trustAll)
        .setHostnameVerificationAlgorithm(verifyHost && !trustAll ? "HTTPS" : "");
    if (ca != null && !trustAll) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    }
    return options;
  }

  /** The TLS engine a client reaching the replicas uses. */
  public SSLEngineOptions engineOptions() {
    return TlsEngine.options(TlsEngine.NAMES.contains(engine) ? engine : TlsEngine.AUTO);
  }

  /** The options of a web client that probes the replicas (heartbeat, readiness). */
  public WebClientOptions webClientOptions() {
    return apply(new WebClientOptions());
  }

  /** How the start-up line says it. */
  public String describe() {
    if (!enabled) {
      return "plain HTTP";
    }
    return "HTTPS (" + (trustAll ? "any certificate accepted: development only" : ca != null ? "CA " + ca : "the JDK's CAs")
        + (trustAll || verifyHost ? "" : ", host names not checked") + ")";
  }
}
