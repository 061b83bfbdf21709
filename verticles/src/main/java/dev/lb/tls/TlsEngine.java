package dev.lb.tls;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.util.List;

/**
 * Which TLS implementation does the handshakes and the record encryption: OpenSSL's API as BoringSSL implements it,
 * through netty-tcnative (a native library on the class path for Linux x86_64), or the JDK's own (SunJSSE), slower
 * and always there. {@code auto} takes the native one where it loads and falls back to the JDK's.
 */
public final class TlsEngine {

  public static final String AUTO = "auto";
  public static final String OPENSSL = "openssl";
  public static final String JDK = "jdk";
  public static final List<String> NAMES = List.of(AUTO, OPENSSL, JDK);

  /**
   * Modern suites only: TLS 1.3's three, and TLS 1.2's with forward secrecy (ECDHE) and an AEAD cipher, which HTTP/2
   * also requires. JDK names; Netty maps them to OpenSSL's.
   */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsEngine() {}

  /** Whether the native engine loads here, with ALPN (so HTTP/2 too). */
  public static boolean nativeAvailable() {
    try {
      return OpenSsl.isAvailable() && OpenSsl.isAlpnSupported();
    } catch (LinkageError e) {
      return false;
    }
  }

  /** The engine {@code name} asks for; {@code openssl} where the native one does not load is a configuration error. */
  public static SSLEngineOptions options(String name) {
    return switch (name) {
      case JDK -> new JdkSSLEngineOptions();
      case OPENSSL -> {
        if (!nativeAvailable()) {
          throw new IllegalArgumentException("tls.engine openssl: netty-tcnative (BoringSSL) does not load here ("
              + unavailability() + "); use auto or jdk");
        }
        yield new OpenSSLEngineOptions();
      }
      default -> nativeAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    };
  }

  /** How the start-up line names the engine. */
  public static String describe(SSLEngineOptions options) {
    if (options instanceof OpenSSLEngineOptions) {
      return OpenSsl.versionString() + " (netty-tcnative)";
    }
    return "JDK " + System.getProperty("java.version") + " (SunJSSE)"
        + (nativeAvailable() ? "" : "; netty-tcnative not loaded: " + unavailability());
  }

  private static String unavailability() {
    try {
      Throwable cause = OpenSsl.unavailabilityCause();
      return cause == null ? "no ALPN" : String.valueOf(cause.getMessage());
    } catch (LinkageError e) {
      return e.toString();
    }
  }
}
