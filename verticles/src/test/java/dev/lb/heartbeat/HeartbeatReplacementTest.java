package dev.lb.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestSystem;
import dev.lb.bus.ReplicaInfo;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A replica that silently stops answering is found by the heartbeat alone and replaced on its ring id. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class HeartbeatReplacementTest {

  @Test
  void aCrashedReplicaIsReplacedByANewRandomlyNamedOneOnItsRingId(Vertx vertx, VertxTestContext ctx) {
    TestSystem.deploy(vertx, TestSystem.config()).compose(system -> system.backend.crash("Server 2")
        .compose(v -> system.awaitRep(m -> !m.getJsonArray("replicas").contains("Server 2") && m.getInteger("N") == 3, 10_000))
        .compose(rep -> system.replicas().map(replicas -> {
          ctx.verify(() -> {
            assertEquals("Server 1", rep.getJsonArray("replicas").getString(0));
            String fresh = rep.getJsonArray("replicas").getString(1);
            assertTrue(fresh.startsWith("replica-"), fresh);
            ReplicaInfo replacement = replicas.stream().filter(r -> r.name().equals(fresh)).findFirst().orElseThrow();
            assertEquals(2, replacement.ringId(), "takes over the failed replica's ring id");
            assertFalse(system.backend.running().containsKey("Server 2"));
          });
          return system;
        }))
        .compose(s -> s.get("/home")))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          ctx.completeNow();
        })));
  }
}
