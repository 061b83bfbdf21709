package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every example and error of the balancer's API (SPEC §4), against the real verticles with in-JVM replicas. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class BalancerApiTest {

  private static final JsonObject THREE = new JsonObject()
      .put("message", new JsonObject().put("N", 3).put("replicas", new JsonArray(List.of("Server 1", "Server 2", "Server 3"))))
      .put("status", "successful");

  private TestSystem system;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.REPLICAS_MAX, 10))
        .onComplete(ctx.succeeding(s -> {
          system = s;
          ctx.completeNow();
        }));
  }

  private static JsonObject json(HttpResponse<Buffer> resp) {
    return resp.bodyAsJsonObject();
  }

  @Test
  void repListsTheInitialReplicas(VertxTestContext ctx) {
    system.get("/rep").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(200, resp.statusCode());
      assertEquals("application/json", resp.getHeader("Content-Type"));
      assertEquals(THREE, json(resp));
      ctx.completeNow();
    })));
  }

  @Test
  void addTheAssignmentsExample(VertxTestContext ctx) {
    system.send(HttpMethod.POST, "/add", "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\", \"S6\", \"S7\"]}")
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          assertEquals(new JsonObject("{\"message\": {\"N\": 7, \"replicas\": [\"Server 1\", \"Server 2\", \"Server 3\","
              + " \"S5\", \"S4\", \"S6\", \"S7\"]}, \"status\": \"successful\"}"), json(resp));
          ctx.completeNow();
        })));
  }

  @Test
  void addWithoutNamesGeneratesThem(VertxTestContext ctx) {
    system.send(HttpMethod.POST, "/add", "{\"n\": 2, \"hostnames\": []}")
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(List.of("Server 1", "Server 2", "Server 3", "Server 4", "Server 5"),
              json(resp).getJsonObject("message").getJsonArray("replicas").getList());
          ctx.completeNow();
        })));
  }

  @Test
  void removeTheAssignmentsExampleWithDeleteAndWithPost(VertxTestContext ctx) {
    system.send(HttpMethod.POST, "/add", "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\", \"S6\", \"S7\"]}")
        .compose(r -> system.send(HttpMethod.DELETE, "/rm", "{\"n\": 3, \"hostnames\": [\"S5\", \"S4\"]}"))
        .compose(resp -> {
          JsonObject message = json(resp).getJsonObject("message");
          ctx.verify(() -> {
            assertEquals(200, resp.statusCode());
            assertEquals(4, message.getInteger("N"));
            assertFalse(message.getJsonArray("replicas").contains("S5"));
            assertFalse(message.getJsonArray("replicas").contains("S4"));
          });
          // the third replica removed was chosen at random: name one that is surely still there
          String remaining = message.getJsonArray("replicas").getString(3);
          return system.send(HttpMethod.POST, "/rm", new JsonObject().put("n", 1)
              .put("hostnames", new JsonArray().add(remaining)).encode()).map(r -> Map.entry(remaining, r));
        })
        .onComplete(ctx.succeeding(named -> ctx.verify(() -> {
          HttpResponse<Buffer> resp = named.getValue();
          assertEquals(200, resp.statusCode());
          assertEquals(3, json(resp).getJsonObject("message").getInteger("N"));
          assertFalse(json(resp).getJsonObject("message").getJsonArray("replicas").contains(named.getKey()));
          assertEquals(3, system.backend.running().size(), "removed replicas are really stopped");
          ctx.completeNow();
        })));
  }

  @Test
  void tooManyNamesGetTheAssignmentsErrors(VertxTestContext ctx) {
    expectBadRequest(HttpMethod.POST, "/add", "{\"n\": 1, \"hostnames\": [\"S5\", \"S4\"]}",
        "<Error> Length of hostname list is more than newly added instances")
        .compose(v -> expectBadRequest(HttpMethod.DELETE, "/rm", "{\"n\": 1, \"hostnames\": [\"Server 1\", \"Server 2\"]}",
            "<Error> Length of hostname list is more than removable instances"))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Each bad input of SPEC §4: 400 in the API's shape, with a message naming the problem, and nothing changed. */
  @Test
  void badInputIsAnsweredAndChangesNothing(VertxTestContext ctx) {
    List<String[]> cases = List.of(
        new String[] {"POST", "/add", "{\"n\": 2, ", "Malformed JSON"},
        new String[] {"POST", "/add", "", "must be a JSON object"},
        new String[] {"POST", "/add", "[1, 2]", "must be a JSON object"},
        new String[] {"POST", "/add", "\"n\"", "must be a JSON object"},
        new String[] {"POST", "/add", "{\"hostnames\": [\"S9\"]}", "'n' is required"},
        new String[] {"POST", "/add", "{\"n\": \"2\"}", "'n' must be a positive integer"},
        new String[] {"POST", "/add", "{\"n\": 1.5}", "'n' must be a positive integer"},
        new String[] {"POST", "/add", "{\"n\": 0}", "'n' must be a positive integer, got 0"},
        new String[] {"DELETE", "/rm", "{\"n\": -1}", "'n' must be a positive integer, got -1"},
        new String[] {"POST", "/add", "{\"n\": 1, \"hostnames\": \"S9\"}", "'hostnames' must be a list"},
        new String[] {"POST", "/add", "{\"n\": 2, \"hostnames\": [\"S9\", {\"a\": 1}]}", "item 1"},
        new String[] {"POST", "/add", "{\"n\": 1, \"hostnames\": [\"../etc\"]}", "Invalid hostname '../etc'"},
        new String[] {"POST", "/add", "{\"n\": 1, \"hostnames\": [\"$(reboot)\"]}", "Invalid hostname"},
        new String[] {"POST", "/add", "{\"n\": 2, \"hostnames\": [\"S9\", \"S9\"]}", "'S9' is listed more than once"},
        new String[] {"POST", "/add", "{\"n\": 1, \"hostnames\": [\"Server 2\"]}", "'Server 2' already exists"},
        new String[] {"POST", "/add", "{\"n\": 8}", "the maximum is 10"},
        new String[] {"DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S9\"]}", "'S9' does not exist"},
        new String[] {"DELETE", "/rm", "{\"n\": 4}", "only 3 exist"},
        new String[] {"POST", "/rm", "{\"n\": 2, \"hostnames\": [\"Server 1\", \"Server 1\"]}", "listed more than once"});
    Future<Void> chain = Future.succeededFuture();
    for (String[] c : cases) {
      chain = chain.compose(v -> expectBadRequest(HttpMethod.valueOf(c[0]), c[1], c[2], c[3]));
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> expectBadRequest(HttpMethod method, String path, String body, String messagePart) {
    return system.send(method, path, body).compose(resp -> {
      try {
        assertEquals(400, resp.statusCode(), method + " " + path + " " + body);
        JsonObject reply = json(resp);
        assertEquals("failure", reply.getString("status"));
        assertTrue(reply.getString("message").startsWith("<Error> "), reply.encode());
        assertTrue(reply.getString("message").contains(messagePart), body + " -> " + reply.encode());
      } catch (AssertionError e) {
        return Future.failedFuture(e);
      }
      return system.get("/rep");
    }).compose(rep -> {
      try {
        assertEquals(THREE, json(rep), "after " + method + " " + path + " " + body);
      } catch (AssertionError e) {
        return Future.failedFuture(e);
      }
      return Future.succeededFuture();
    });
  }

  @Test
  void homeIsRoutedToAReplica(VertxTestContext ctx) {
    system.get("/home").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(200, resp.statusCode());
      assertEquals("successful", json(resp).getString("status"));
      assertTrue(json(resp).getString("message").matches("Hello from Server: [123]"), json(resp).encode());
      ctx.completeNow();
    })));
  }

  @Test
  void aPathTheReplicasDoNotServeIsA400(VertxTestContext ctx) {
    system.get("/other").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(400, resp.statusCode());
      assertEquals(new JsonObject().put("message", "<Error> '/other' endpoint does not exist in server replicas")
          .put("status", "failure"), json(resp));
      ctx.completeNow();
    })));
  }

  @Test
  void theWrongMethodOnAnAdminPathIsA405(VertxTestContext ctx) {
    system.get("/add").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(405, resp.statusCode());
      assertEquals("POST", resp.getHeader("Allow"));
      assertEquals("failure", json(resp).getString("status"));
      ctx.completeNow();
    })));
  }

  @Test
  void withNoReplicaLeftRequestsGet503(VertxTestContext ctx) {
    system.send(HttpMethod.DELETE, "/rm", "{\"n\": 3}")
        .compose(r -> system.get("/home"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(503, resp.statusCode());
          assertEquals("<Error> No live server replica can serve '/home'", json(resp).getString("message"));
          ctx.completeNow();
        })));
  }

  @Test
  void aBodyOverTheLimitIsA413InTheApiShape(VertxTestContext ctx) {
    system.send(HttpMethod.POST, "/add", "{\"n\": 1, \"pad\": \"" + "x".repeat(2 << 20) + "\"}")
        .compose(resp -> {
          ctx.verify(() -> {
            assertEquals(413, resp.statusCode());
            assertEquals("failure", json(resp).getString("status"));
          });
          return system.get("/rep");
        })
        .onComplete(ctx.succeeding(rep -> ctx.verify(() -> {
          assertEquals(THREE, json(rep));
          ctx.completeNow();
        })));
  }
}
