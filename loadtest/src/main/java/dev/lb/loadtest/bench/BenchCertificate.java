package dev.lb.loadtest.bench;

import dev.lb.loadtest.process.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one throw-away certificate every target of the HTTPS rounds serves: self-signed, ECDSA P-256 (certbot's default
 * kind), for 127.0.0.1 and localhost, made by {@code openssl} (which HAProxy and nginx need anyway) into the output
 * folder. Clients of the bench do not check it.
 *
 * @param cert     the certificate, PEM
 * @param key      its private key, PEM (PKCS#8)
 * @param combined both in one file, as HAProxy reads them
 */
public record BenchCertificate(Path cert, Path key, Path combined) {

  /** Makes it in {@code dir}; fails if openssl is missing or refuses. */
  static BenchCertificate make(Path dir) {
    Path openssl = Tools.find("openssl").orElseThrow(() -> new IllegalStateException("openssl is not installed"));
    Path d = dir.toAbsolutePath();
    Path cert = d.resolve("bench-cert.pem");
    Path key = d.resolve("bench-key.pem");
    try {
      Files.createDirectories(d);
      String out = Tools.output(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
          "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", "/CN=localhost", "-addext",
          "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString()), 30);
      if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
        throw new IllegalStateException("openssl made no certificate: " + out.strip());
      }
      Path combined = Files.writeString(d.resolve("bench-combined.pem"), Files.readString(cert) + Files.readString(key));
      return new BenchCertificate(cert, key, combined);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bench certificate into " + d, e);
    }
  }
}
