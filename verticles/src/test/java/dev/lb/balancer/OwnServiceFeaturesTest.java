package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a service of one's own needs from the balancer: keys from the path or a cookie, 404s passed through when asked,
 * WebSockets passed through, and a {@code /rm} that lets the requests under way on the removed replica end.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class OwnServiceFeaturesTest {

  private static Future<TestSystem> system(Vertx vertx, JsonObject extra, ScriptedReplicaBackend backend) {
    return TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.RING_HASH, "murmur3").mergeIn(extra), backend);
  }

  /** The replica answering {@code /echo} for each of {@code requests}, sent one after the other. */
  private static Future<List<String>> answerers(TestSystem s, List<io.vertx.ext.web.client.HttpRequest<Buffer>> requests) {
    List<String> names = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (var request : requests) {
      chain = chain.compose(v -> request.send().map(resp -> {
        names.add(resp.getHeader("X-Replica"));
        return null;
      }));
    }
    return chain.map(names);
  }

  @Test
  void thePathAndACookieAreKeysThatAlwaysReachOneReplica(Vertx vertx, VertxTestContext ctx) {
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    system(vertx, new JsonObject().put(ConfigKeys.KEY, "path"), backend).compose(s -> {
      List<io.vertx.ext.web.client.HttpRequest<Buffer>> samePath = new ArrayList<>();
      List<io.vertx.ext.web.client.HttpRequest<Buffer>> paths = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        samePath.add(s.client.get(s.port(), "127.0.0.1", "/echo?n=" + k));
        paths.add(s.client.get(s.port(), "127.0.0.1", "/echo/" + k));
      }
      return answerers(s, samePath).compose(one -> answerers(s, paths).map(many -> List.of(one, many)));
    }).onComplete(ctx.succeeding(both -> ctx.verify(() -> {
      assertEquals(1, new HashSet<>(both.get(0)).size(), "one path, whatever the query: one replica " + both.get(0));
      assertTrue(new HashSet<>(both.get(1)).size() > 1, "different paths spread: " + both.get(1));
      ctx.completeNow();
    })));
  }

  @Test
  void aCookieIsAKey(Vertx vertx, VertxTestContext ctx) {
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    system(vertx, new JsonObject().put(ConfigKeys.KEY, "cookie:session"), backend).compose(s -> {
      List<io.vertx.ext.web.client.HttpRequest<Buffer>> requests = new ArrayList<>();
      for (int k = 0; k < 40; k++) {
        requests.add(s.client.get(s.port(), "127.0.0.1", "/echo").putHeader("Cookie", "theme=dark; session=user-" + (k % 4)));
      }
      return answerers(s, requests);
    }).onComplete(ctx.succeeding(names -> ctx.verify(() -> {
      for (int user = 0; user < 4; user++) {
        Set<String> seen = new HashSet<>();
        for (int k = user; k < names.size(); k += 4) {
          seen.add(names.get(k));
        }
        assertEquals(1, seen.size(), "session user-" + user + " always reaches one replica: " + seen);
      }
      ctx.completeNow();
    })));
  }

  @Test
  void withTheRewriteOffAReplicas404PassesThrough(Vertx vertx, VertxTestContext ctx) {
    system(vertx, new JsonObject().put(ConfigKeys.PROXY_REWRITE_404, false), new ScriptedReplicaBackend(vertx))
        .compose(s -> s.get("/no-such-thing"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(404, resp.statusCode());
          ctx.completeNow();
        })));
  }

  @Test
  void aWebSocketIsPassedThroughAndARefusedUpgradeGetsTheReplicasAnswer(Vertx vertx, VertxTestContext ctx) {
    system(vertx, new JsonObject(), new ScriptedReplicaBackend(vertx)).compose(s -> {
      WebSocketClient ws = vertx.createWebSocketClient();
      WebSocketConnectOptions echo = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(s.port()).setURI("/ws");
      WebSocketConnectOptions refused = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(s.port()).setURI("/nows");
      return ws.connect(echo).compose(socket -> {
        Future<Buffer> first = Future.future(p -> socket.handler(p::tryComplete));
        socket.writeTextMessage("hello through the balancer");
        return first.compose(b -> socket.close().map(b));
      }).compose(echoed -> ws.connect(refused).transform(ar -> Future.succeededFuture(List.of(echoed, ar))));
    }).onComplete(ctx.succeeding(results -> ctx.verify(() -> {
      assertTrue(results.get(0).toString().contains("hello through the balancer"), results.get(0).toString());
      var refused = (io.vertx.core.AsyncResult<?>) results.get(1);
      assertTrue(refused.failed(), "the upgrade to /nows fails");
      assertTrue(refused.cause() instanceof UpgradeRejectedException u && u.getStatus() == 403,
          "with the replica's own answer: " + refused.cause());
      ctx.completeNow();
    })));
  }

  @Test
  void removingAReplicaLetsTheRequestsUnderWayOnItEnd(Vertx vertx, VertxTestContext ctx) {
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    system(vertx, new JsonObject(), backend).compose(s -> {
      List<Future<HttpResponse<Buffer>>> slow = new ArrayList<>();
      for (int k = 0; k < 30; k++) {
        HttpMethod method = k % 2 == 0 ? HttpMethod.POST : HttpMethod.GET;
        slow.add(s.client.request(method, s.port(), "127.0.0.1", "/slow").sendBuffer(Buffer.buffer("order " + k)));
      }
      long began = System.nanoTime();
      return vertx.timer(200).compose(v -> s.send(HttpMethod.DELETE, "/rm", "{\"n\": 1, \"hostnames\": [\"Server 2\"]}"))
          .compose(rm -> Future.join(slow).map(all -> {
            ctx.verify(() -> {
              assertEquals(200, rm.statusCode(), rm.bodyAsString());
              assertTrue((System.nanoTime() - began) / 1_000_000 >= 700, "/rm waited for the slow requests to end");
              for (Future<HttpResponse<Buffer>> f : slow) {
                assertTrue(f.succeeded(), "request failed: " + f.cause());
                assertEquals(200, f.result().statusCode(), f.result().bodyAsString());
              }
              assertTrue(slow.stream().anyMatch(f -> "Server 2".equals(f.result().bodyAsString())),
                  "some of them were on the removed replica");
            });
            return null;
          }));
    }).onComplete(ctx.succeedingThenComplete());
  }
}
