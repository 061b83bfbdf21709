package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestCertificates;
import dev.lb.TestCertificates.Issued;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The readiness probe of a new replica goes over TLS when replicas speak it, with the client the settings give. */
@ExtendWith(VertxExtension.class)
class ReadinessTlsTest {

  @Test
  void aReplicaServingHttpsIsReadyOverTls(Vertx vertx, @TempDir Path dir) {
    Issued ca = TestCertificates.ca("Readiness CA");
    Issued cert = TestCertificates.server(ca, "replica");
    Path caFile = TestCertificates.write(dir.resolve("ca.pem"), TestCertificates.pem(ca.cert()));
    HttpServer https = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertValue(Buffer.buffer(TestCertificates.pem(cert.cert())))
            .setKeyValue(Buffer.buffer(TestCertificates.pem(cert.keys().getPrivate(), false)))))
        .requestHandler(req -> req.response().end()).listen(0, "127.0.0.1").await();
    ReplicaSettings tls = ReplicaSettings.from(Settings.defaults().put(ConfigKeys.REPLICA_TLS, true)
        .put(ConfigKeys.REPLICA_TLS_CA, caFile.toString()));
    assertTrue(tls.tls().enabled());
    Readiness overTls = new Readiness(vertx, WebClient.create(vertx, tls.tls().webClientOptions()), "/heartbeat");
    assertTrue(overTls.answers("127.0.0.1", https.actualPort()).await());
    ReplicaSettings plain = ReplicaSettings.from(Settings.defaults());
    Readiness overHttp = new Readiness(vertx, WebClient.create(vertx, plain.tls().webClientOptions()), "/heartbeat");
    assertFalse(overHttp.answers("127.0.0.1", https.actualPort()).await(), "plain HTTP to an HTTPS replica is no answer");
  }
}
