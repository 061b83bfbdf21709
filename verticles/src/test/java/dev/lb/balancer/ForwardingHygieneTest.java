package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a replica receives: hop-by-hop headers gone, the balancer's forwarding headers set by it alone. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class ForwardingHygieneTest {

  private static void echo(Vertx vertx, VertxTestContext ctx, boolean trust, java.util.function.Consumer<JsonObject> check) {
    TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.PROXY_TRUST_FORWARDED, trust), new ScriptedReplicaBackend(vertx))
        .compose(system -> system.client.get(system.port(), "127.0.0.1", "/echo")
            .putHeader("X-Forwarded-For", "6.6.6.6")
            .putHeader("X-Forwarded-Proto", "https")
            .putHeader("X-Forwarded-Host", "evil.example")
            .putHeader("X-Real-IP", "6.6.6.6")
            .putHeader("Forwarded", "for=6.6.6.6")
            .putHeader("Connection", "keep-alive, X-Hop")
            .putHeader("X-Hop", "only for the first hop")
            .putHeader("TE", "trailers")
            .putHeader("Upgrade", "websocket")
            .putHeader("Proxy-Authorization", "Basic secret")
            .putHeader("X-Custom", "kept")
            .putHeader("User-Agent", "test-client/1")
            .send()
            .map(resp -> {
              ctx.verify(() -> {
                assertEquals(200, resp.statusCode());
                check.accept(resp.bodyAsJsonObject().put("port", String.valueOf(system.port())));
              });
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void clientsCannotSpoofForwardingHeadersAndHopByHopOnesStop(Vertx vertx, VertxTestContext ctx) {
    echo(vertx, ctx, false, seen -> {
      assertEquals("127.0.0.1", seen.getString("x-forwarded-for"));
      assertEquals("127.0.0.1", seen.getString("x-real-ip"));
      assertEquals("http", seen.getString("x-forwarded-proto"));
      assertEquals("127.0.0.1:" + seen.getString("port"), seen.getString("x-forwarded-host"));
      assertEquals("for=127.0.0.1;host=\"127.0.0.1:" + seen.getString("port") + "\";proto=http", seen.getString("forwarded"),
          "the balancer's own, the client's dropped");
      assertNull(seen.getString("x-hop"), "named in Connection: dropped");
      assertNull(seen.getString("te"));
      assertNull(seen.getString("upgrade"));
      assertNull(seen.getString("proxy-authorization"));
      assertEquals("test-client/1", seen.getString("user-agent"), "the client's user agent, not one of the balancer's");
      assertEquals("kept", seen.getString("x-custom"));
    });
  }

  @Test
  void behindATrustedProxyTheClientsForwardedForIsKeptAndExtended(Vertx vertx, VertxTestContext ctx) {
    echo(vertx, ctx, true, seen -> {
      assertEquals("6.6.6.6, 127.0.0.1", seen.getString("x-forwarded-for"));
      assertEquals("http", seen.getString("x-forwarded-proto"), "the balancer's own view, not the client's");
      assertEquals("for=6.6.6.6, for=127.0.0.1;host=\"127.0.0.1:" + seen.getString("port") + "\";proto=http",
          seen.getString("forwarded"), "the trusted proxy's element, then the balancer's");
    });
  }
}
