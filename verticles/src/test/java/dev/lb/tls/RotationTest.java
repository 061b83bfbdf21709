package dev.lb.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.OnContext;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestCertificates;
import dev.lb.TestCertificates.Issued;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates rotated while clients loop over new connections: the new certificate is served within moments of
 * the files changing, no request fails, a connection opened before keeps its certificate and goes on; a bad new
 * file leaves the old certificate in place; SIGHUP reloads at once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RotationTest {

  @TempDir
  Path dir;
  Issued ca;
  Path cert;
  Path key;

  @BeforeEach
  void certificates() {
    ca = TestCertificates.ca("Rotation Test CA");
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
  }

  private Issued issue(String cn) {
    return TestCertificates.server(ca, cn);
  }

  private HttpClient client(Vertx vertx, boolean keepAlive) {
    return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(keepAlive)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(TestCertificates.pem(ca.cert())))));
  }

  static String serialOf(HttpConnection connection) {
    try {
      X509Certificate served = (X509Certificate) connection.peerCertificates().get(0);
      return served.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Clients asking for {@code /home} in a loop, each request on a new connection, counting the serials served. */
  static final class ConnectionLoop {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final Map<String, AtomicLong> serials = new ConcurrentHashMap<>();
    volatile String lastFailure;
    private volatile boolean stopped;
    private final HttpClient client;
    private final int port;

    ConnectionLoop(HttpClient client, int port, int concurrency) {
      this.client = client;
      this.port = port;
      for (int k = 0; k < concurrency; k++) {
        next();
      }
    }

    private void next() {
      if (stopped) {
        return;
      }
      client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/home").setMethod(HttpMethod.GET))
          .compose(req -> req.send().compose(resp -> {
            String serial = serialOf(req.connection());
            return resp.body().map(body -> resp.statusCode() == 200 ? serial : null);
          }))
          .onComplete(ar -> {
            if (ar.succeeded() && ar.result() != null) {
              ok.incrementAndGet();
              serials.computeIfAbsent(ar.result(), s -> new AtomicLong()).incrementAndGet();
            } else {
              failed.incrementAndGet();
              lastFailure = ar.succeeded() ? "not 200" : String.valueOf(ar.cause());
            }
            next();
          });
    }

    long seen(String serial) {
      AtomicLong n = serials.get(serial);
      return n == null ? 0 : n.get();
    }

    void stop() {
      stopped = true;
    }
  }

  @Test
  void aNewCertificateIsServedToNewConnectionsWithoutAFailedRequest(Vertx vertx) {
    Issued first = issue("first");
    TestCertificates.writePair(first, cert, key);
    JsonObject conf = TestSystem.config().put(ConfigKeys.TLS_CERT, cert.toString()).put(ConfigKeys.TLS_KEY, key.toString())
        .put(ConfigKeys.TLS_RELOAD_MS, 100);
    TestSystem system = TestSystem.deploy(vertx, conf, new ScriptedReplicaBackend(vertx)).await();
    // a connection opened before the rotation, kept open across it
    HttpClient kept = client(vertx, true);
    HttpConnection before = get(vertx, kept, system.port()).await().request().connection();
    assertEquals(first.serialHex(), serialOf(before));

    HttpClient fresh = client(vertx, false);
    ConnectionLoop loop = new ConnectionLoop(fresh, system.port(), 4);
    BalancerProcess.await(vertx, () -> loop.seen(first.serialHex()) >= 20, 10_000, "the first certificate served");

    Issued second = issue("second");
    TestCertificates.writePair(second, cert, key);
    BalancerProcess.await(vertx, () -> loop.seen(second.serialHex()) >= 50, 10_000, "the second certificate served");

    HttpClientResponse after = get(vertx, kept, system.port()).await();
    assertEquals(200, after.statusCode());
    assertSame(before, after.request().connection(), "the connection opened before was not dropped");
    assertEquals(first.serialHex(), serialOf(after.request().connection()), "and keeps the certificate it began with");

    // a bad pair (the key of another certificate), then an expired one: logged, and the second one stays
    Issued third = issue("third");
    TestCertificates.write(cert, TestCertificates.pem(third.cert()));
    TestCertificates.write(key, TestCertificates.pem(second.keys().getPrivate(), false));
    Issued expired = TestCertificates.server(ca, "expired", TestCertificates.keys(false),
        Instant.now().minus(Duration.ofDays(9)), Instant.now().minus(Duration.ofDays(1)), "127.0.0.1");
    long secondServed = loop.seen(second.serialHex());
    vertx.timer(500).await();
    TestCertificates.writePair(expired, cert, key);
    vertx.timer(500).await();
    BalancerProcess.await(vertx, () -> loop.seen(second.serialHex()) > secondServed + 20, 10_000, "still the second one");
    loop.stop();
    vertx.timer(200).await();
    assertEquals(0, loop.failed.get(), "failed requests; last: " + loop.lastFailure);
    assertEquals(0, loop.seen(third.serialHex()) + loop.seen(expired.serialHex()), "a bad pair was never served");
    assertTrue(loop.ok.get() > 100, "requests made: " + loop.ok.get());
  }

  @Test
  void sighupReloadsAtOnce(Vertx vertx) throws Exception {
    Issued first = issue("first");
    TestCertificates.writePair(first, cert, key);
    JsonObject conf = TestSystem.config().put(ConfigKeys.TLS_CERT, cert.toString()).put(ConfigKeys.TLS_KEY, key.toString())
        .put(ConfigKeys.TLS_RELOAD_MS, 0);
    TestSystem system = TestSystem.deploy(vertx, conf, new ScriptedReplicaBackend(vertx)).await();
    // never send SIGHUP to a JVM that did not take it over: it would stop
    Assumptions.assumeTrue(Hangup.installed(), "SIGHUP cannot be taken in this JVM");
    HttpClient fresh = client(vertx, false);
    assertEquals(first.serialHex(), servedSerial(vertx, fresh, system.port()));
    Issued second = issue("second");
    TestCertificates.writePair(second, cert, key);
    vertx.timer(300).await();
    assertEquals(first.serialHex(), servedSerial(vertx, fresh, system.port()), "no polling: nothing changes before the signal");
    Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(ProcessHandle.current().pid())).start();
    assertEquals(0, kill.waitFor());
    BalancerProcess.await(vertx, () -> second.serialHex().equals(servedSerial(vertx, fresh, system.port())), 10_000,
        "the second certificate after SIGHUP");
  }

  private static Future<HttpClientResponse> get(Vertx vertx, HttpClient client, int port) {
    return OnContext.run(vertx, () -> client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/home"))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp))));
  }

  /** The serial of the certificate a new connection is served (read before the connection closes). */
  private static String servedSerial(Vertx vertx, HttpClient client, int port) {
    return OnContext.run(vertx, () -> client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/home"))
        .compose(req -> req.send().compose(resp -> {
          String serial = serialOf(req.connection());
          return resp.body().map(b -> serial);
        }))).await();
  }
}
