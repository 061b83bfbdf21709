package dev.lb.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestCertificates;
import dev.lb.TestCertificates.Issued;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate and key files, read and checked: each mistake is one line naming the file and the reason. */
class PemTest {

  private static Issued ca;
  private static Issued server;
  @TempDir
  Path dir;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.ca("Pem Test CA");
    server = TestCertificates.server(ca, "pem-test");
  }

  private Path file(String name, String text) {
    return TestCertificates.write(dir.resolve(name), text);
  }

  private static String refusal(org.junit.jupiter.api.function.Executable load) {
    TlsFileException e = assertThrows(TlsFileException.class, load);
    assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    return e.getMessage();
  }

  private Pem.Pair load(Path cert, Path key) {
    return Pem.load(cert, ConfigKeys.TLS_CERT, key, ConfigKeys.TLS_KEY, Instant.now());
  }

  @Test
  void aGoodPairLoadsWithItsChainAndKeyKinds() {
    Path cert = file("cert.pem", TestCertificates.pem(server.cert(), ca.cert()));
    for (boolean traditional : List.of(false, true)) {
      Path key = file("key-" + traditional + ".pem", TestCertificates.pem(server.keys().getPrivate(), traditional));
      Pem.Pair pair = load(cert, key);
      assertEquals(server.serialHex(), pair.serial());
    }
    // RSA, PKCS#8 and PKCS#1
    Issued rsa = TestCertificates.server(ca, "rsa", TestCertificates.keys(true), Instant.now().minusSeconds(60),
        Instant.now().plus(Duration.ofDays(1)), "localhost");
    Path rsaCert = file("rsa.pem", TestCertificates.pem(rsa.cert()));
    assertEquals(rsa.serialHex(), load(rsaCert, file("rsa8.key", TestCertificates.pem(rsa.keys().getPrivate(), false))).serial());
    String pkcs1 = TestCertificates.pem(rsa.keys().getPrivate(), true);
    assertTrue(pkcs1.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    assertEquals(rsa.serialHex(), load(rsaCert, file("rsa1.key", pkcs1)).serial());
  }

  @Test
  void aMissingFileIsNamed() {
    Path key = file("key.pem", TestCertificates.pem(server.keys().getPrivate(), false));
    String message = refusal(() -> load(dir.resolve("nowhere.pem"), key));
    assertTrue(message.startsWith(dir.resolve("nowhere.pem") + " (tls.cert): no such file"), message);
  }

  @Test
  void anUnreadableFileIsNamed() throws Exception {
    Path cert = file("cert.pem", TestCertificates.pem(server.cert()));
    String folder = refusal(() -> load(cert, dir));
    assertTrue(folder.startsWith(dir + " (tls.key): is a folder"), folder);
    Path key = file("key.pem", TestCertificates.pem(server.keys().getPrivate(), false));
    Files.setPosixFilePermissions(key, java.util.Set.of());
    if (!Files.isReadable(key)) {
      // root reads any file: then only the folder case says "unreadable"
      assertTrue(refusal(() -> load(cert, key)).contains("(tls.key): cannot be read: permission denied"));
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    Issued other = TestCertificates.server(ca, "other");
    Path cert = file("cert.pem", TestCertificates.pem(server.cert()));
    Path key = file("key.pem", TestCertificates.pem(other.keys().getPrivate(), false));
    String message = refusal(() -> load(cert, key));
    assertTrue(message.startsWith(key + " (tls.key): the private key does not match the certificate in " + cert), message);
    Issued rsa = TestCertificates.server(ca, "rsa", TestCertificates.keys(true), Instant.now().minusSeconds(60),
        Instant.now().plus(Duration.ofDays(1)), "localhost");
    Path rsaKey = file("rsa.key", TestCertificates.pem(TestCertificates.keys(true).getPrivate(), true));
    assertTrue(refusal(() -> load(file("rsa.pem", TestCertificates.pem(rsa.cert())), rsaKey)).contains("does not match"));
    assertTrue(refusal(() -> load(file("rsa2.pem", TestCertificates.pem(rsa.cert())), key)).contains("does not match"),
        "an EC key for an RSA certificate");
  }

  @Test
  void anExpiredOrNotYetValidCertificateIsRefused() {
    Instant now = Instant.now();
    Issued expired = TestCertificates.server(ca, "expired", TestCertificates.keys(false), now.minus(Duration.ofDays(30)),
        now.minus(Duration.ofDays(1)), "localhost");
    Path key = file("key.pem", TestCertificates.pem(expired.keys().getPrivate(), false));
    Path cert = file("cert.pem", TestCertificates.pem(expired.cert()));
    String message = refusal(() -> load(cert, key));
    assertTrue(message.startsWith(cert + " (tls.cert): the certificate expired on "), message);
    Issued early = TestCertificates.server(ca, "early", expired.keys(), now.plus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(30)), "localhost");
    Path earlyCert = file("early.pem", TestCertificates.pem(early.cert()));
    assertTrue(refusal(() -> load(earlyCert, key)).contains("(tls.cert): the certificate is not valid before "));
  }

  @Test
  void filesThatAreNotWhatTheySeemAreSaidSo() {
    Path cert = file("cert.pem", TestCertificates.pem(server.cert()));
    Path key = file("key.pem", TestCertificates.pem(server.keys().getPrivate(), false));
    assertTrue(refusal(() -> load(key, cert)).contains("(tls.cert): holds a private key, not a certificate (are the"));
    Path garbage = file("garbage.pem", "hello\n");
    assertTrue(refusal(() -> load(garbage, key)).endsWith("(tls.cert): no PEM certificate in it (-----BEGIN CERTIFICATE-----)"));
    assertTrue(refusal(() -> load(cert, garbage)).contains("(tls.key): no PEM private key in it"));
    Path encrypted = file("enc.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertTrue(refusal(() -> load(cert, encrypted)).contains("(tls.key): the private key is encrypted"));
    Path broken = file("broken.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertTrue(refusal(() -> load(cert, broken)).contains("(tls.key): the PRIVATE KEY cannot be read"));
  }

  @Test
  void settingsAreCheckedForTheirShape() {
    JsonObject base = Settings.defaults();
    assertEquals(false, TlsSettings.from(base).enabled());
    JsonObject on = base.copy().put(ConfigKeys.TLS_CERT, "c.pem").put(ConfigKeys.TLS_KEY, "k.pem");
    TlsSettings tls = TlsSettings.from(on);
    assertTrue(tls.enabled() && !tls.separatePort());
    assertEquals(List.of("TLSv1.2", "TLSv1.3"), tls.protocols());
    assertEquals(List.of("TLSv1.3"), TlsSettings.from(on.copy().put(ConfigKeys.TLS_PROTOCOLS, "1.3")).protocols());
    assertThrows(IllegalArgumentException.class, () -> TlsSettings.from(on.copy().put(ConfigKeys.TLS_PROTOCOLS, "TLSv1.1")));
    assertThrows(IllegalArgumentException.class, () -> TlsSettings.from(base.copy().put(ConfigKeys.TLS_CERT, "c.pem")));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsSettings.from(on.copy().put(ConfigKeys.TLS_REDIRECT, true)))
        .getMessage().contains("tls.redirect needs tls.port"));
    assertThrows(IllegalArgumentException.class, () -> TlsSettings.from(on.copy().put(ConfigKeys.TLS_ENGINE, "gnutls")));
    assertTrue(TlsSettings.from(on.copy().put(ConfigKeys.TLS_PORT, 0).put(ConfigKeys.TLS_REDIRECT, true)).redirect());
  }

  @Test
  void theNativeEngineLoadsHere() {
    // netty-tcnative's BoringSSL for Linux x86_64 is on the class path: on such a machine, auto is the native one
    if (System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux")) {
      assertTrue(TlsEngine.nativeAvailable(), "netty-tcnative did not load");
      assertTrue(TlsEngine.describe(TlsEngine.options(TlsEngine.AUTO)).contains("BoringSSL"));
    }
    assertTrue(TlsEngine.describe(TlsEngine.options(TlsEngine.JDK)).startsWith("JDK "));
  }
}
