package dev.lb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With admin.token set, /add and /rm need the bearer token: without it, 401 and nothing changes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class AdminTokenTest {

  private TestSystem system;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.ADMIN_TOKEN, "s3cret-token"))
        .onComplete(ctx.succeeding(s -> {
          system = s;
          ctx.completeNow();
        }));
  }

  private Future<HttpResponse<Buffer>> add(String authorization) {
    var request = system.client.request(HttpMethod.POST, system.port(), "127.0.0.1", "/add");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return request.sendBuffer(Buffer.buffer("{\"n\": 1, \"hostnames\": [\"S9\"]}"));
  }

  private static void assertRefused(HttpResponse<Buffer> resp) {
    assertEquals(401, resp.statusCode());
    assertTrue(resp.getHeader("WWW-Authenticate").startsWith("Bearer"));
    assertEquals("failure", resp.bodyAsJsonObject().getString("status"));
    assertTrue(resp.bodyAsJsonObject().getString("message").startsWith("<Error> '/add' needs the admin token"));
  }

  @Test
  void missingOrWrongTokensAreRefusedAndChangeNothingTheRightOneWorks(VertxTestContext ctx) {
    add(null).compose(resp -> {
      ctx.verify(() -> assertRefused(resp));
      return add("Bearer wrong");
    }).compose(resp -> {
      ctx.verify(() -> assertRefused(resp));
      return add("Basic czNjcmV0LXRva2Vu");
    }).compose(resp -> {
      ctx.verify(() -> assertRefused(resp));
      return system.send(HttpMethod.DELETE, "/rm", "{\"n\": 1}");
    }).compose(resp -> {
      ctx.verify(() -> assertEquals(401, resp.statusCode()));
      return system.get("/rep");
    }).compose(rep -> {
      ctx.verify(() -> assertEquals(3, rep.bodyAsJsonObject().getJsonObject("message").getInteger("N"), "/rep stays open"));
      return add("Bearer s3cret-token");
    }).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(200, resp.statusCode());
      assertEquals(4, resp.bodyAsJsonObject().getJsonObject("message").getInteger("N"));
      ctx.completeNow();
    })));
  }
}
