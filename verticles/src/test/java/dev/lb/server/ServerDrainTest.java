package dev.lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A replica told to drain (its SIGTERM with --drain-ms) says so on its heartbeat and goes on serving. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ServerDrainTest {

  @Test
  void aDrainingReplicaFailsItsHeartbeatAndStillServes(Vertx vertx, VertxTestContext ctx) {
    ServerVerticle server = new ServerVerticle(new ServerSettings("7", "127.0.0.1", 0, 0));
    WebClient client = WebClient.create(vertx);
    vertx.deployVerticle(server)
        .compose(id -> client.get(server.actualPort(), "127.0.0.1", "/heartbeat").send())
        .compose(before -> {
          ctx.verify(() -> assertEquals(200, before.statusCode()));
          server.drain();
          return Future.all(client.get(server.actualPort(), "127.0.0.1", "/heartbeat").send(),
              client.get(server.actualPort(), "127.0.0.1", "/home").send());
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          io.vertx.ext.web.client.HttpResponse<?> heartbeat = all.resultAt(0);
          io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> home = all.resultAt(1);
          assertEquals(503, heartbeat.statusCode());
          assertEquals(200, home.statusCode());
          assertEquals("Hello from Server: 7", home.bodyAsJsonObject().getString("message"));
          ctx.completeNow();
        })));
  }
}
