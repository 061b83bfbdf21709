package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestSystem;
import dev.lb.bus.ReplicaInfo;
import dev.lb.config.ConfigKeys;
import dev.lb.config.RingSettings;
import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.RequestKeys;
import dev.lb.ring.RingSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The balancer routes as the ring says; affinity keys stay put; /add and /rm move only the changed replica's keys. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RoutingTest {

  private static final int KEYS = 300;

  private static JsonObject config(String hash) {
    return TestSystem.config().put(ConfigKeys.KEY, "header:X-User").put(ConfigKeys.RING_HASH, hash);
  }

  /** The server id (ring id) of the replica each key reaches, asking the balancer. */
  private static Future<Map<String, String>> owners(TestSystem system) {
    Map<String, String> owners = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (int k = 0; k < KEYS; k++) {
      String user = "user-" + k;
      chain = chain.compose(v -> system.client.get(system.port(), "127.0.0.1", "/home").putHeader("X-User", user).send()
          .map(resp -> {
            owners.put(user, resp.bodyAsJsonObject().getString("message").replace("Hello from Server: ", ""));
            return null;
          }));
    }
    return chain.map(owners);
  }

  /** The server id each key should reach, from a ring the test builds itself out of the published set. */
  private static Map<String, String> predicted(RingSpec spec, List<ReplicaInfo> replicas) {
    ConsistentHashRing ring = ConsistentHashRing.build(spec, replicas.stream().map(ReplicaInfo::ringId).toList());
    Map<String, String> expected = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      expected.put("user-" + k, String.valueOf(ring.owner(RequestKeys.of("user-" + k), id -> true)));
    }
    return expected;
  }

  @Test
  void eachKeyReachesTheReplicaTheRingPredictsEveryTime(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf = config("assignment");
    TestSystem.deploy(vertx, conf).compose(system -> system.replicas().compose(replicas ->
        owners(system).compose(first -> owners(system).map(second -> {
          ctx.verify(() -> {
            assertEquals(predicted(RingSettings.spec(conf), replicas), first);
            assertEquals(first, second, "affinity keys are stable while the set is unchanged");
          });
          return null;
        })))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void addingAndRemovingAReplicaMovesOnlyItsKeys(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf = config("murmur3");
    List<Map<String, String>> rounds = new ArrayList<>();
    TestSystem.deploy(vertx, conf).compose(system -> owners(system)
        .compose(before -> {
          rounds.add(before);
          return system.send(HttpMethod.POST, "/add", "{\"n\": 1, \"hostnames\": [\"S4\"]}");
        })
        .compose(r -> owners(system))
        .compose(added -> {
          rounds.add(added);
          return system.send(HttpMethod.DELETE, "/rm", "{\"n\": 1, \"hostnames\": [\"S4\"]}");
        })
        .compose(r -> owners(system)))
        .onComplete(ctx.succeeding(removed -> ctx.verify(() -> {
          Map<String, String> before = rounds.get(0);
          Map<String, String> added = rounds.get(1);
          int moved = 0;
          for (String key : before.keySet()) {
            if (!before.get(key).equals(added.get(key))) {
              moved++;
              assertEquals("4", added.get(key), key + " moved to a replica that did not change (S4 is ring id 4)");
            }
          }
          assertTrue(moved > KEYS / 10 && moved < KEYS / 2, "a new 4th replica takes about a quarter: " + moved);
          assertEquals(before, removed, "removing it gives every key back");
          ctx.completeNow();
        })));
  }
}
