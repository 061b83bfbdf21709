package dev.lb.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestCertificates;
import dev.lb.TestCertificates.Issued;
import dev.lb.TestSystem;
import dev.lb.bus.Addresses;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas of one's own that speak only HTTPS: the balancer forwards to them over TLS, and the heartbeat probes them
 * over TLS, trusting the CA file given (or, for development, anything); a certificate of an unknown CA is refused.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ReplicaTlsTest {

  @TempDir
  static Path dir;
  static Issued ca;
  static Path caFile;
  static Path otherCaFile;
  static HttpServerOptions replicaOptions;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.ca("Replica CA");
    Issued replica = TestCertificates.server(ca, "replica");
    caFile = TestCertificates.write(dir.resolve("ca.pem"), TestCertificates.pem(ca.cert()));
    otherCaFile = TestCertificates.write(dir.resolve("other-ca.pem"), TestCertificates.pem(TestCertificates.ca("Other CA").cert()));
    replicaOptions = new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(TestCertificates.pem(replica.cert())))
        .setKeyValue(Buffer.buffer(TestCertificates.pem(replica.keys().getPrivate(), false))));
  }

  private static JsonObject conf(Path ca, boolean trustAll) {
    // a first TLS handshake on a cold JVM can take longer than the tests' 200 ms probe timeout: this is about TLS, not
    // about how fast a probe is answered
    JsonObject conf = TestSystem.config().put(ConfigKeys.REPLICA_TLS, true).put(ConfigKeys.REPLICA_TLS_TRUST_ALL, trustAll)
        .put(ConfigKeys.HEARTBEAT_TIMEOUT_MS, 2000);
    return ca == null ? conf : conf.put(ConfigKeys.REPLICA_TLS_CA, ca.toString());
  }

  /** The down events the heartbeat publishes from now on. */
  private static List<JsonObject> downs(Vertx vertx) {
    List<JsonObject> downs = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> downs.add(msg.body()));
    return downs;
  }

  @Test
  void theBalancerAndTheHeartbeatSpeakTlsToReplicasOfACaGiven(Vertx vertx) {
    List<JsonObject> downs = downs(vertx);
    TestSystem system = TestSystem.deploy(vertx, conf(caFile, false), new ScriptedReplicaBackend(vertx, replicaOptions)).await();
    for (int k = 0; k < 10; k++) {
      HttpResponse<Buffer> resp = system.send(HttpMethod.POST, "/mirror", "body " + k).await();
      assertEquals(200, resp.statusCode(), resp.bodyAsString());
      assertEquals("body " + k, resp.bodyAsString());
      assertEquals("https", resp.getHeader("X-Proto"), "the replica was reached over TLS");
    }
    // 10 heartbeat rounds: every probe answered over TLS
    vertx.timer(1000).await();
    assertEquals(List.of(), downs);
    assertEquals(200, system.get("/home").await().statusCode());
  }

  @Test
  void anyCertificateIsAcceptedWhenToldSo(Vertx vertx) {
    List<JsonObject> downs = downs(vertx);
    TestSystem system = TestSystem.deploy(vertx, conf(null, true), new ScriptedReplicaBackend(vertx, replicaOptions)).await();
    assertEquals(200, system.get("/home").await().statusCode());
    vertx.timer(600).await();
    assertEquals(List.of(), downs);
  }

  @Test
  void aReplicaWhoseCertificateIsNotTrustedIsDown(Vertx vertx) {
    List<JsonObject> downs = downs(vertx);
    TestSystem system = TestSystem.deploy(vertx, conf(otherCaFile, false), new ScriptedReplicaBackend(vertx, replicaOptions))
        .await();
    int status = system.get("/home").await().statusCode();
    assertTrue(status == 502 || status == 503, "answered " + status);
    BalancerProcess.await(vertx, () -> downs.size() >= 3, 10_000, "the heartbeat finds every replica down");
    assertTrue(downs.get(0).encode().contains("certificat") || downs.get(0).encode().contains("PKIX")
        || downs.get(0).encode().contains("SSL"), downs.get(0).encode());
  }

  @Test
  void aMissingCaFileIsNamed() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ReplicaTls.from(conf(dir.resolve("none.pem"), false)));
    assertEquals(dir.resolve("none.pem") + " (replica.tls.ca): no such file", e.getMessage());
  }
}
