package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ClientLoop;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replica that answers 500 for 3 s while its heartbeat stays fine: clients never see its errors (GETs are
 * retried elsewhere), outlier detection holds it out for longer and longer instead of letting it flap, and it
 * serves again once it recovers.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class PassiveEjectionTest {

  private static long count(java.util.Map<String, AtomicLong> counts, String name) {
    AtomicLong c = counts.get(name);
    return c == null ? 0 : c.get();
  }

  private static io.vertx.core.Future<Void> after(Vertx vertx, long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }

  @Test
  void aReplicaAnswering500IsHeldOutLongerEachTimeAndComesBack(Vertx vertx, VertxTestContext ctx) {
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    long[] servedBeforeRecovery = new long[1];
    TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.PROXY_EJECT_AFTER, 3).put(ConfigKeys.PROXY_EJECT_MS, 500), backend)
        .compose(system -> {
          ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 8, 500_000, 20_000);
          return after(vertx, 500)
              .compose(v -> {
                backend.failing.add("Server 2");
                return after(vertx, 3000);
              })
              .compose(v -> {
                backend.failing.remove("Server 2");
                servedBeforeRecovery[0] = count(backend.served200, "Server 2");
                return after(vertx, 3500);
              })
              .compose(v -> loop.stop());
        })
        .onComplete(ctx.succeeding(loop -> ctx.verify(() -> {
          assertEquals(List.of(), loop.failures(), "clients saw no error: each 500 was retried on another replica");
          long errors = count(backend.served500, "Server 2");
          // 500 ms, 1 s, 2 s hold-downs: about 3 ejections in 3 s, each after 3 errors plus the requests in flight
          assertTrue(errors >= 3 && errors <= 60, "the sick replica got few requests, not a third of them: " + errors);
          assertTrue(loop.ok() > 3000, "the load ran: " + loop.ok());
          assertTrue(count(backend.served200, "Server 2") > servedBeforeRecovery[0], "it serves again after recovering");
          ctx.completeNow();
        })));
  }
}
