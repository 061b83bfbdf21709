package dev.lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SPEC §2: /home says who answers, /heartbeat is an empty 200, anything else is 404. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ServerVerticleTest {

  private ServerVerticle server;
  private WebClient client;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    server = new ServerVerticle(new ServerSettings("7", "127.0.0.1", 0, 0));
    client = WebClient.create(vertx);
    vertx.deployVerticle(server).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void homeSaysWhichServerAnswers(VertxTestContext ctx) {
    client.get(server.actualPort(), "localhost", "/home").send().onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(200, resp.statusCode());
      assertEquals(new JsonObject().put("message", "Hello from Server: 7").put("status", "successful"),
          resp.bodyAsJsonObject());
      ctx.completeNow();
    })));
  }

  @Test
  void heartbeatIsAnEmpty200(VertxTestContext ctx) {
    client.get(server.actualPort(), "localhost", "/heartbeat").send().onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(200, resp.statusCode());
      assertEquals(null, resp.body());
      ctx.completeNow();
    })));
  }

  @Test
  void anyOtherPathIs404(VertxTestContext ctx) {
    client.post(server.actualPort(), "localhost", "/home/else").send().onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(404, resp.statusCode());
      ctx.completeNow();
    })));
  }
}
