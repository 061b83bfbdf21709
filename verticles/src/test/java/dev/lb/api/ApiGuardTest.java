package dev.lb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /add} and {@code /rm} as a hostile web page in an operator's browser would call them: a request from another
 * origin, or marked cross-site, is refused with 403 in the API's shape and changes nothing, with or without a token;
 * the assignment's clients (no {@code Origin}), the API's own origin and an allowed one pass.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ApiGuardTest {

  private static final String ADD = "{\"n\": 1}";

  private static Future<HttpResponse<Buffer>> call(TestSystem system, HttpMethod method, String path,
      Map<String, String> headers) {
    var request = system.client.request(method, system.port(), "127.0.0.1", path);
    headers.forEach(request::putHeader);
    return request.sendBuffer(Buffer.buffer(ADD));
  }

  private static Map<String, String> headers(String... pairs) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int k = 0; k < pairs.length; k += 2) {
      h.put(pairs[k], pairs[k + 1]);
    }
    return h;
  }

  private static void assertForbidden(HttpResponse<Buffer> resp, String what) {
    assertEquals(403, resp.statusCode(), what + ": " + resp.bodyAsString());
    JsonObject body = resp.bodyAsJsonObject();
    assertEquals("failure", body.getString("status"), what);
    assertTrue(body.getString("message").startsWith("<Error> '"), what + ": " + body);
  }

  private static Future<Integer> replicas(TestSystem system) {
    return system.get("/rep").map(rep -> rep.bodyAsJsonObject().getJsonObject("message").getInteger("N"));
  }

  @Test
  void withoutATokenABrowsersCrossSiteRequestIsRefusedAndChangesNothing(Vertx vertx, VertxTestContext ctx) {
    TestSystem.deploy(vertx, TestSystem.config()).compose(system -> {
      // what a page on another site sends: a "simple" request, which the browser does not ask about first
      Map<String, String> page = headers("Content-Type", "text/plain", "Origin", "http://evil.example");
      return call(system, HttpMethod.POST, "/add", page)
          .compose(resp -> {
            ctx.verify(() -> assertForbidden(resp, "POST /add from another origin"));
            return call(system, HttpMethod.POST, "/rm", page);
          }).compose(resp -> {
            ctx.verify(() -> assertForbidden(resp, "POST /rm from another origin"));
            return call(system, HttpMethod.DELETE, "/rm", headers("Sec-Fetch-Site", "cross-site"));
          }).compose(resp -> {
            ctx.verify(() -> assertForbidden(resp, "DELETE /rm marked cross-site"));
            return call(system, HttpMethod.POST, "/add", headers("Origin", "null"));
          }).compose(resp -> {
            ctx.verify(() -> assertForbidden(resp, "POST /add from an opaque origin"));
            return call(system, HttpMethod.POST, "/add", headers("Origin", "http://127.0.0.1:" + system.port() + "0"));
          }).compose(resp -> {
            ctx.verify(() -> assertForbidden(resp, "POST /add from another port"));
            // DNS rebinding: an attacker's name re-pointed at the balancer, Origin and Host alike
            return system.client.request(HttpMethod.POST, system.port(), "127.0.0.1", "/add")
                .putHeader("Host", "evil.example:" + system.port()).putHeader("Origin", "http://evil.example:"
                    + system.port()).putHeader("Sec-Fetch-Site", "same-origin").sendBuffer(Buffer.buffer(ADD));
          }).compose(resp -> {
            ctx.verify(() -> assertForbidden(resp, "POST /add from a rebound name"));
            return replicas(system);
          }).compose(n -> {
            ctx.verify(() -> assertEquals(3, n, "nothing changed"));
            // the assignment's clients send no Origin; the API's own origin (the dashboard's) passes too
            return call(system, HttpMethod.POST, "/add", headers());
          }).compose(resp -> {
            ctx.verify(() -> assertEquals(200, resp.statusCode(), resp.bodyAsString()));
            return call(system, HttpMethod.POST, "/add", headers("Origin", "http://127.0.0.1:" + system.port(),
                "Sec-Fetch-Site", "same-origin"));
          }).compose(resp -> {
            ctx.verify(() -> assertEquals(200, resp.statusCode(), resp.bodyAsString()));
            return replicas(system);
          });
    }).onComplete(ctx.succeeding(n -> ctx.verify(() -> {
      assertEquals(5, n);
      ctx.completeNow();
    })));
  }

  @Test
  void aTokenDoesNotLetAnotherOriginInButAnAllowedOriginWithItPasses(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf = TestSystem.config().put(ConfigKeys.ADMIN_TOKEN, "t0k")
        .put(ConfigKeys.ADMIN_ALLOWED_ORIGINS, "https://ops.example.com/, https://other.example.com");
    TestSystem.deploy(vertx, conf).compose(system -> call(system, HttpMethod.POST, "/add",
            headers("Origin", "http://evil.example", "Authorization", "Bearer t0k"))
        .compose(resp -> {
          ctx.verify(() -> assertForbidden(resp, "the right token from another origin"));
          return call(system, HttpMethod.POST, "/add", headers("Origin", "https://OPS.example.com"));
        }).compose(resp -> {
          ctx.verify(() -> assertEquals(401, resp.statusCode(), "an allowed origin still needs the token"));
          return call(system, HttpMethod.POST, "/add", headers("Origin", "https://ops.example.com",
              "Sec-Fetch-Site", "cross-site", "Authorization", "Bearer t0k"));
        }).compose(resp -> {
          ctx.verify(() -> assertEquals(200, resp.statusCode(), "an allowed origin with the token: " + resp.bodyAsString()));
          return replicas(system);
        })).onComplete(ctx.succeeding(n -> ctx.verify(() -> {
          assertEquals(4, n);
          ctx.completeNow();
        })));
  }
}
