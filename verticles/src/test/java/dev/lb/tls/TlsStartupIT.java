package dev.lb.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.TestCertificates;
import dev.lb.TestCertificates.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, as a user starts it, with certificate files that cannot serve: it refuses to start with one line that
 * names the file and the reason, no stack trace, exit status 2, and starts nothing (no replica, no listener).
 */
class TlsStartupIT {

  @TempDir
  Path dir;

  private String refusal(Map<String, String> env) throws Exception {
    Path log = dir.resolve("balancer-" + System.nanoTime() + ".log");
    BalancerProcess balancer = BalancerProcess.start(env, log);
    assertTrue(balancer.process.waitFor(30, TimeUnit.SECONDS), "the balancer did not stop by itself");
    String output = Files.readString(log);
    assertEquals(2, balancer.process.exitValue(), output);
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line: " + output);
    assertTrue(!output.contains("\tat ") && !output.contains("Exception"), "no stack trace: " + output);
    assertTrue(balancer.process.descendants().findAny().isEmpty(), "no replica started");
    return lines.get(0);
  }

  @Test
  void eachBadFileRefusesToStartWithItsNameAndReason() throws Exception {
    Issued ca = TestCertificates.ca("Startup CA");
    Issued good = TestCertificates.server(ca, "good");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    TestCertificates.writePair(good, cert, key);

    String missing = refusal(Map.of("LB_TLS_CERT", dir.resolve("missing.pem").toString(), "LB_TLS_KEY", key.toString()));
    assertTrue(missing.endsWith("bad configuration: " + dir.resolve("missing.pem") + " (tls.cert): no such file"), missing);

    String folder = refusal(Map.of("LB_TLS_CERT", cert.toString(), "LB_TLS_KEY", dir.toString()));
    assertTrue(folder.endsWith("bad configuration: " + dir + " (tls.key): is a folder, not a PEM file"), folder);

    Path otherKey = TestCertificates.write(dir.resolve("other.key"),
        TestCertificates.pem(TestCertificates.keys(false).getPrivate(), false));
    String mismatch = refusal(Map.of("LB_TLS_CERT", cert.toString(), "LB_TLS_KEY", otherKey.toString()));
    assertTrue(mismatch.contains("bad configuration: " + otherKey + " (tls.key): the private key does not match the "
        + "certificate in " + cert), mismatch);

    Issued old = TestCertificates.server(ca, "old", TestCertificates.keys(false), Instant.now().minus(Duration.ofDays(90)),
        Instant.now().minus(Duration.ofDays(1)), "localhost");
    Path oldCert = dir.resolve("old.pem");
    Path oldKey = dir.resolve("old.key");
    TestCertificates.writePair(old, oldCert, oldKey);
    String expired = refusal(Map.of("LB_TLS_CERT", oldCert.toString(), "LB_TLS_KEY", oldKey.toString()));
    assertTrue(expired.contains("bad configuration: " + oldCert + " (tls.cert): the certificate expired on "), expired);

    String ca404 = refusal(Map.of("LB_REPLICA_TLS", "true", "LB_REPLICA_TLS_CA", dir.resolve("ca404.pem").toString()));
    assertTrue(ca404.endsWith("(replica.tls.ca): no such file"), ca404);
  }
}
