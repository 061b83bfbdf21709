package dev.lb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET} and {@code PATCH /replicas/<name>} over HTTP on the balancer's port: the replica's weight and state in the
 * API's shape; a drained replica's keys go to their next owners with no request failing under 16 concurrent clients,
 * and the same keys come back on {@code ready}; bad input, an unknown replica, a wrong method and a cross-site request
 * get their errors and change nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ReplicaShapingApiTest {

  private static final int KEYS = 300;
  private static final int CLIENTS = 16;

  private static JsonObject conf() {
    return TestSystem.config().put(ConfigKeys.KEY, "query:id");
  }

  private static Future<HttpResponse<Buffer>> patch(TestSystem system, String name, String body, String... headers) {
    var request = system.client.request(HttpMethod.PATCH, system.port(), "127.0.0.1", "/replicas/" + name.replace(" ", "%20"));
    for (int k = 0; k < headers.length; k += 2) {
      request.putHeader(headers[k], headers[k + 1]);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  /** Which replica answers each key 0..KEYS-1, asked by CLIENTS concurrent clients; fails on any status but 200. */
  private static Future<Map<Integer, String>> owners(WebClient clients, TestSystem system) {
    Map<Integer, String> owners = new HashMap<>();
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      loops.add(ask(clients, system, next, owners));
    }
    return Future.all(loops).map(owners);
  }

  private static Future<Void> ask(WebClient clients, TestSystem system, AtomicInteger next, Map<Integer, String> owners) {
    int key = next.getAndIncrement();
    if (key >= KEYS) {
      return Future.succeededFuture();
    }
    return clients.get(system.port(), "127.0.0.1", "/home?id=" + key).send().compose(resp -> {
      if (resp.statusCode() != 200) {
        return Future.failedFuture("key " + key + ": " + resp.statusCode() + " " + resp.bodyAsString());
      }
      owners.put(key, resp.bodyAsJsonObject().getString("message").replace("Hello from Server: ", ""));
      return ask(clients, system, next, owners);
    });
  }

  @Test
  void drainMovesAReplicasKeysToTheirNextOwnersWithoutAFailureAndReadyBringsTheSameKeysBack(Vertx vertx,
      VertxTestContext ctx) {
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    WebClient clients = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(CLIENTS));
    Map<String, Map<Integer, String>> seen = new HashMap<>();
    TestSystem.deploy(vertx, conf(), backend).compose(system -> owners(clients, system)
        .compose(before -> {
          seen.put("before", before);
          // the change lands while 16 clients are sending: none of their requests may fail
          Future<Map<Integer, String>> during = owners(clients, system);
          return patch(system, "Server 2", "{\"state\": \"drain\"}").compose(resp -> {
            ctx.verify(() -> {
              assertEquals(200, resp.statusCode(), resp.bodyAsString());
              JsonObject message = resp.bodyAsJsonObject().getJsonObject("message");
              assertEquals("drain", message.getString("state"));
              assertEquals("Server 2", message.getString("name"));
              assertEquals("successful", resp.bodyAsJsonObject().getString("status"));
            });
            return during;
          });
        })
        .compose(during -> owners(clients, system))
        .compose(drained -> {
          seen.put("drained", drained);
          return system.get("/replicas/Server%202");
        })
        .compose(resp -> {
          ctx.verify(() -> assertEquals("drain", resp.bodyAsJsonObject().getJsonObject("message").getString("state")));
          Future<Map<Integer, String>> during = owners(clients, system);
          return patch(system, "Server 2", "{\"state\": \"ready\"}").compose(r -> during);
        })
        .compose(during -> owners(clients, system)))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          Map<Integer, String> before = seen.get("before");
          Map<Integer, String> drained = seen.get("drained");
          assertTrue(before.containsValue("Server 2"), "Server 2 owned keys: " + before.values());
          assertFalse(drained.containsValue("Server 2"), "drained: no new request to it");
          before.forEach((key, owner) -> {
            if (!owner.equals("Server 2")) {
              assertEquals(owner, drained.get(key), "the other replicas keep their keys (key " + key + ")");
            }
          });
          assertEquals(before, after, "ready gives back exactly the keys it had");
          ctx.completeNow();
        })));
  }

  @Test
  void aWeightIsShownAndBadChangesGetTheirErrorsAndChangeNothing(Vertx vertx, VertxTestContext ctx) {
    TestSystem.deploy(vertx, conf()).compose(system -> patch(system, "Server 1", "{\"weight\": 3}")
        .compose(resp -> {
          ctx.verify(() -> {
            assertEquals(200, resp.statusCode(), resp.bodyAsString());
            assertEquals(3, resp.bodyAsJsonObject().getJsonObject("message").getInteger("weight"));
          });
          return system.get("/replicas");
        })
        .compose(resp -> {
          ctx.verify(() -> {
            assertEquals(200, resp.statusCode());
            assertEquals(List.of(3, 1, 1), resp.bodyAsJsonObject().getJsonArray("message").stream()
                .map(o -> ((JsonObject) o).getInteger("weight")).toList());
          });
          return patch(system, "Server 9", "{\"weight\": 2}");
        })
        .compose(resp -> expect(ctx, resp, 404, "<Error> Hostname 'Server 9' does not exist")
            .compose(v -> system.get("/replicas/Server%209")))
        .compose(resp -> expect(ctx, resp, 404, "<Error> Hostname 'Server 9' does not exist")
            .compose(v -> patch(system, "Server 1", "{\"weight\": \"heavy\"}")))
        .compose(resp -> expect(ctx, resp, 400, "<Error> 'weight' must be a whole number in 1..256, got heavy")
            .compose(v -> patch(system, "Server 1", "not json")))
        .compose(resp -> expect(ctx, resp, 400, null)
            .compose(v -> patch(system, "Server 1", "{\"state\": \"sleep\"}")))
        .compose(resp -> expect(ctx, resp, 400, "<Error> Unknown state 'sleep'; choose one of ready, drain, maint")
            .compose(v -> patch(system, "Server 1", "{\"state\": \"drain\"}", "Origin", "http://evil.example")))
        .compose(resp -> expect(ctx, resp, 403, null)
            .compose(v -> system.send(HttpMethod.PUT, "/replicas/Server%201", "{\"weight\": 1}")))
        .compose(resp -> {
          ctx.verify(() -> assertEquals("GET, PATCH", resp.getHeader("Allow")));
          return expect(ctx, resp, 405, null).compose(v -> system.get("/replicas/Server%201"));
        }))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          JsonObject message = resp.bodyAsJsonObject().getJsonObject("message");
          assertEquals(3, message.getInteger("weight"), "nothing refused changed it");
          assertEquals("ready", message.getString("state"));
          ctx.completeNow();
        })));
  }

  @Test
  void withATokenAChangeNeedsIt(Vertx vertx, VertxTestContext ctx) {
    TestSystem.deploy(vertx, conf().put(ConfigKeys.ADMIN_TOKEN, "s3cret")).compose(system ->
        patch(system, "Server 1", "{\"state\": \"maint\"}")
            .compose(resp -> expect(ctx, resp, 401, null)
                .compose(v -> patch(system, "Server 1", "{\"state\": \"maint\"}", "Authorization", "Bearer s3cret"))))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode(), resp.bodyAsString());
          assertEquals("maint", resp.bodyAsJsonObject().getJsonObject("message").getString("state"));
          ctx.completeNow();
        })));
  }

  private static Future<Void> expect(VertxTestContext ctx, HttpResponse<Buffer> resp, int status, String message) {
    Promise<Void> checked = Promise.promise();
    ctx.verify(() -> {
      assertEquals(status, resp.statusCode(), resp.bodyAsString());
      JsonObject body = resp.bodyAsJsonObject();
      assertEquals("failure", body.getString("status"));
      if (message != null) {
        assertEquals(message, body.getString("message"));
      } else {
        assertTrue(body.getString("message").startsWith("<Error> "), body.encode());
      }
      checked.complete();
    });
    return checked.future();
  }
}
