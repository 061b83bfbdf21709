package dev.lb.tls;

import dev.lb.config.ConfigKeys;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * The certificates the balancer's HTTPS listener serves, read and checked from their files: the pair of
 * {@code tls.cert} and {@code tls.key} (the default), then each pair of {@code tls.sni.dir} (chosen by the name a client
 * asks for with SNI). Immutable: a rotation loads a new one.
 */
public final class ServerTls {

  private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());
  /** A certificate this close to its end is worth a warning at each load. */
  private static final Duration EXPIRY_WARNING = Duration.ofDays(14);
  /** ALPN's names of HTTP/2 over TLS and of HTTP/1.1 (RFC 7301). */
  public static final String H2 = "h2";
  public static final String HTTP_1_1 = "http/1.1";

  private final TlsSettings settings;
  private final List<Pem.Pair> pairs;
  private final byte[] digest;

  private ServerTls(TlsSettings settings, List<Pem.Pair> pairs, byte[] digest) {
    this.settings = settings;
    this.pairs = List.copyOf(pairs);
    this.digest = digest;
  }

  /** Reads and checks every file {@code settings} names; a file that cannot serve is a {@link TlsFileException}. */
  public static ServerTls load(TlsSettings settings) {
    Instant now = Instant.now();
    MessageDigest sha = sha256();
    List<Pem.Pair> pairs = new ArrayList<>();
    for (Source s : sources(settings)) {
      byte[] cert = Pem.read(s.cert, s.certSetting);
      byte[] key = Pem.read(s.key, s.keySetting);
      digested(sha, s.cert, cert);
      digested(sha, s.key, key);
      pairs.add(Pem.check(s.cert, s.certSetting, cert, s.key, s.keySetting, key, now));
    }
    return new ServerTls(settings, pairs, sha.digest());
  }

  /**
   * A digest of the files as they are now (their content, or that one cannot be read): it changes when any of them
   * changes, and is that of {@link #load} while none does. Cheap enough to take every few seconds: a few kilobytes read.
   */
  public static byte[] digest(TlsSettings settings) {
    MessageDigest sha = sha256();
    List<Source> sources;
    try {
      sources = sources(settings);
    } catch (TlsFileException e) {
      sha.update(e.getMessage().getBytes(StandardCharsets.UTF_8));
      return sha.digest();
    }
    for (Source s : sources) {
      for (Path file : List.of(s.cert, s.key)) {
        byte[] content;
        try {
          content = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
          content = null;
        }
        digested(sha, file, content);
      }
    }
    return sha.digest();
  }

  private static void digested(MessageDigest sha, Path file, byte[] content) {
    sha.update(file.toString().getBytes(StandardCharsets.UTF_8));
    sha.update(content == null ? new byte[] {0} : content);
    sha.update(new byte[] {1});
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One certificate file and its key, and the settings that named them. */
  private record Source(Path cert, String certSetting, Path key, String keySetting) { }

  private static List<Source> sources(TlsSettings settings) {
    List<Source> sources = new ArrayList<>();
    sources.add(new Source(settings.cert(), ConfigKeys.TLS_CERT, settings.key(), ConfigKeys.TLS_KEY));
    Path dir = settings.sniDir();
    if (dir == null) {
      return sources;
    }
    if (!Files.isDirectory(dir)) {
      throw new TlsFileException(dir, ConfigKeys.TLS_SNI_DIR, Files.exists(dir) ? "is not a folder" : "no such folder");
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path cert : files.filter(f -> f.getFileName().toString().matches(".+\\.(crt|pem)")).sorted().toList()) {
        String name = cert.getFileName().toString();
        Path key = dir.resolve(name.substring(0, name.lastIndexOf('.')) + ".key");
        if (!Files.exists(key)) {
          throw new TlsFileException(cert, ConfigKeys.TLS_SNI_DIR, "no key " + key.getFileName() + " beside it");
        }
        sources.add(new Source(cert, ConfigKeys.TLS_SNI_DIR, key, ConfigKeys.TLS_SNI_DIR));
      }
    } catch (IOException e) {
      throw new TlsFileException(dir, ConfigKeys.TLS_SNI_DIR, "cannot be listed: " + e.getMessage());
    }
    return sources;
  }

  /**
   * The options of the listener with these certificates for {@code engine}: versions, suites, SNI if more than one
   * pair, and ALPN's protocols (only with HTTP/2 on: HTTP/2 first, then HTTP/1.1).
   */
  public ServerSSLOptions sslOptions(SSLEngineOptions engine) {
    ServerSSLOptions options = new ServerSSLOptions()
        .setKeyCertOptions(keyCerts(engine))
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(settings.protocols()))
        .setUseAlpn(settings.http2())
        .setApplicationLayerProtocols(alpn())
        .setSni(pairs.size() > 1);
    TlsEngine.CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }

  /** What ALPN offers a client, in order of preference. */
  public List<String> alpn() {
    return settings.http2() ? List.of(H2, HTTP_1_1) : List.of(HTTP_1_1);
  }

  /** {@code base} made an HTTPS listener's options: these certificates and the engine ({@link #sslOptions}). */
  public NetServerOptions apply(NetServerOptions base, SSLEngineOptions engine) {
    NetServerOptions options = new NetServerOptions(base).setSsl(true).setSslEngineOptions(engine);
    ServerSSLOptions ssl = sslOptions(engine);
    options.setKeyCertOptions(ssl.getKeyCertOptions())
        .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols())
        .setSni(ssl.isSni())
        .setUseAlpn(ssl.isUseAlpn());
    ssl.getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
    options.getSslOptions().setApplicationLayerProtocols(alpn());
    return options;
  }

  private KeyCertOptions keyCerts(SSLEngineOptions engine) {
    PemKeyCertOptions pem = new PemKeyCertOptions();
    for (Pem.Pair pair : pairs) {
      pem.addCertValue(pair.cert()).addKeyValue(pair.key());
    }
    return engine instanceof OpenSSLEngineOptions ? new NativeKeyCerts(pem) : pem;
  }

  /** Logs a warning for each certificate that ends within 14 days. */
  void warnOfExpiry() {
    Instant soon = Instant.now().plus(EXPIRY_WARNING);
    for (Pem.Pair pair : pairs) {
      if (pair.leaf().getNotAfter().toInstant().isBefore(soon)) {
        LOG.log(System.Logger.Level.WARNING, "the certificate in {0} expires on {1}", pair.certFile(),
            pair.leaf().getNotAfter().toInstant());
      }
    }
  }

  /** The default pair: {@code tls.cert} and {@code tls.key}. */
  public Pem.Pair primary() {
    return pairs.get(0);
  }

  public List<Pem.Pair> pairs() {
    return pairs;
  }

  /** The digest of the files this was loaded from (see {@link #digest(TlsSettings)}). */
  byte[] digest() {
    return digest.clone();
  }

  public TlsSettings settings() {
    return settings;
  }
}
