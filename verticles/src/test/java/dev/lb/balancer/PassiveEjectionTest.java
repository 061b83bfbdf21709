package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.ClientLoop;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.bus.Addresses;
import dev.lb.bus.Lifecycle;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replica that answers 500 while its heartbeat stays fine: clients never see its errors (GETs are retried
 * elsewhere), the node's outlier detection holds it out for longer each time (one event per ejection, its hold-down
 * doubling) instead of letting it flap, and it serves again once it recovers.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class PassiveEjectionTest {

  private static long count(Map<String, AtomicLong> counts, String name) {
    AtomicLong c = counts.get(name);
    return c == null ? 0 : c.get();
  }

  @Test
  void aReplicaAnswering500IsHeldOutLongerEachTimeAndComesBack(Vertx vertx, VertxTestContext ctx) {
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    List<Long> holds = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.LIFECYCLE, msg -> {
      if (Lifecycle.eventOf(msg.body()) == Lifecycle.Event.EJECTED) {
        holds.add(msg.body().getLong(Lifecycle.HOLD_MS));
      }
    });
    long[] servedWhileSick = new long[2];
    TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.PROXY_EJECT_AFTER, 3).put(ConfigKeys.PROXY_EJECT_MS, 300),
            backend)
        .compose(system -> {
          ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 8, 500_000, 25_000);
          return BalancerProcess.until(vertx, () -> count(backend.served200, "Server 2") > 20, 10_000, "Server 2 serves")
              .compose(v -> {
                backend.failing.add("Server 2");
                return BalancerProcess.until(vertx, () -> holds.size() >= 3, 15_000, "three ejections");
              })
              .compose(v -> {
                backend.failing.remove("Server 2");
                servedWhileSick[0] = count(backend.served200, "Server 2");
                servedWhileSick[1] = count(backend.served500, "Server 2");
                return BalancerProcess.until(vertx, () -> count(backend.served200, "Server 2") > servedWhileSick[0] + 20,
                    10_000, "Server 2 serves again");
              })
              .compose(v -> loop.stop());
        })
        .onComplete(ctx.succeeding(loop -> ctx.verify(() -> {
          assertEquals(List.of(), loop.failures(), "clients saw no error: each 500 was retried on another replica");
          assertEquals(List.of(300L, 600L, 1200L), holds.subList(0, 3), "one event per ejection, each hold-down twice "
              + "the one before");
          long errors = servedWhileSick[1];
          // 3 errors per ejection, plus the requests in flight when each was decided (8 clients)
          assertTrue(errors >= 9 && errors <= 3 * (3 + 8), "the sick replica got few requests while sick: " + errors);
          ctx.completeNow();
        })));
  }
}
