package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.bus.ReplicaInfo;
import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import dev.lb.ring.RequestKeys;
import dev.lb.ring.Ring;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Which failed tries are made again on the next replica: a try that never reached a replica, for any method; one that
 * failed after sending, only for an idempotent method whose body was kept; none once a reply is being relayed. Every
 * request here carries a key that the ring gives to the replica the test breaks.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RetryTest {

  private static final JsonObject CONF = TestSystem.config().put(ConfigKeys.KEY, "header:X-Key")
      .put(ConfigKeys.RING_HASH, "murmur3").put(ConfigKeys.PROXY_EJECT_AFTER, 1000);

  private ScriptedReplicaBackend backend;
  private TestSystem system;
  private String victim;
  private List<String> victimKeys;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    backend = new ScriptedReplicaBackend(vertx);
    TestSystem.deploy(vertx, CONF, backend).compose(s -> {
      system = s;
      return s.replicas();
    }).onComplete(ctx.succeeding(replicas -> {
      victim = replicas.get(1).name();
      victimKeys = keysOf(replicas, replicas.get(1).ringId());
      ctx.completeNow();
    }));
  }

  /** Ten keys the ring gives to ring id {@code owner}. */
  private static List<String> keysOf(List<ReplicaInfo> replicas, int owner) {
    Ring ring = RingSettings.factory(CONF).of(replicas.stream().map(ReplicaInfo::ringId).toList());
    List<String> keys = new ArrayList<>();
    for (int k = 0; keys.size() < 10; k++) {
      if (ring.owner(RequestKeys.of("key-" + k), id -> true) == owner) {
        keys.add("key-" + k);
      }
    }
    return keys;
  }

  private Future<List<HttpResponse<Buffer>>> sendAll(HttpMethod method, String path, String body) {
    Future<List<HttpResponse<Buffer>>> all = Future.succeededFuture(new ArrayList<>());
    for (String key : victimKeys) {
      all = all.compose(list -> system.client.request(method, system.port(), "127.0.0.1", path).putHeader("X-Key", key)
          .sendBuffer(Buffer.buffer(body)).map(resp -> {
            list.add(resp);
            return list;
          }));
    }
    return all;
  }

  @Test
  void aTryThatFindsNoReplicaIsMadeAgainForAPostToo(VertxTestContext ctx) {
    backend.crash(victim).compose(v -> sendAll(HttpMethod.POST, "/body", "{\"order\": 1}"))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          replies.forEach(r -> assertEquals(200, r.statusCode(), r.bodyAsString()));
          replies.forEach(r -> assertFalse(r.bodyAsString().startsWith(victim + " "), "answered by another replica"));
          ctx.completeNow();
        })));
  }

  @Test
  void aResetAfterASmallIdempotentBodyIsRetriedButNotForAPost(VertxTestContext ctx) {
    backend.failing.add(victim);
    sendAll(HttpMethod.PUT, "/reset", "a small body").compose(puts -> sendAll(HttpMethod.POST, "/reset", "a small body")
        .map(posts -> List.of(puts, posts))).onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          both.get(0).forEach(r -> {
            assertEquals(200, r.statusCode(), "PUT retried: " + r.bodyAsString());
            assertTrue(r.bodyAsString().endsWith(" 12"), "the whole body reached the next replica: " + r.bodyAsString());
          });
          both.get(1).forEach(r -> assertEquals(502, r.statusCode(), "POST reached a replica once: " + r.bodyAsString()));
          ctx.completeNow();
        })));
  }

  @Test
  void aReplyAlreadyBeingRelayedIsNeverTriedAgain(Vertx vertx, VertxTestContext ctx) {
    backend.failing.add(victim);
    String key = victimKeys.get(0);
    system.client.get(system.port(), "127.0.0.1", "/half").putHeader("X-Key", key).send()
        .onComplete(ar -> ctx.verify(() -> {
          assertTrue(ar.failed() || ar.result().body() == null || ar.result().body().length() < 1000,
              "the client sees the reply cut short, not another replica's whole one");
          long others = backend.hits.entrySet().stream()
              .filter(e -> e.getKey().endsWith(" /half") && !e.getKey().startsWith(victim + " "))
              .mapToLong(e -> e.getValue().get()).sum();
          assertEquals(1, backend.hits.get(victim + " /half").get());
          assertEquals(0, others, "no other replica was asked");
          ctx.completeNow();
        }));
  }

  @Test
  void aFleetThatFailsGetsItsClientsRequestsPlusTheRetryBudgetNotThreeTimesThem(VertxTestContext ctx) {
    // every replica answers 500: without a budget each request would be tried on 3 replicas
    int requests = 300;
    system.replicas().compose(replicas -> {
      replicas.forEach(r -> backend.failing.add(r.name()));
      Future<Integer> all = Future.succeededFuture(0);
      for (int k = 0; k < requests; k++) {
        all = all.compose(n -> system.get("/home").map(resp -> n + (resp.statusCode() == 500 ? 1 : 0)));
      }
      return all;
    }).onComplete(ctx.succeeding(answered500 -> ctx.verify(() -> {
      assertEquals(requests, answered500, "each request ends with a replica's 500");
      long served = backend.served500.values().stream().mapToLong(java.util.concurrent.atomic.AtomicLong::get).sum();
      long budget = RetryBudget.FLOOR_PER_S * RetryBudget.WINDOW_S + requests * 20 / 100;
      assertTrue(served <= requests + budget, served + " tries for " + requests + " requests: more than the budget");
      assertTrue(served >= requests + budget - 2, served + " tries: the budget was not spent");
      ctx.completeNow();
    })));
  }
}
