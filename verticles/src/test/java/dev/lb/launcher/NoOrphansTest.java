package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lb.BalancerProcess;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The balancer as its own JVM, started by Main as a user would: however it ends, its replicas end with it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class NoOrphansTest {

  private BalancerProcess balancer;
  private List<ProcessHandle> replicas = List.of();

  @AfterEach
  void cleanUp() {
    if (balancer != null) {
      balancer.process.destroyForcibly();
    }
    replicas.forEach(ProcessHandle::destroyForcibly);
  }

  private void runAndEnd(Vertx vertx, VertxTestContext ctx, Runnable end) throws IOException {
    balancer = BalancerProcess.start(Map.of("LB_REPLICAS", "2"));
    balancer.serving(vertx, 45_000)
        .map(v -> {
          replicas = balancer.process.descendants().toList();
          ctx.verify(() -> assertEquals(2, replicas.size(), "two replica processes"));
          end.run();
          return null;
        })
        .compose(v -> BalancerProcess.until(vertx, () -> replicas.stream().noneMatch(ProcessHandle::isAlive), 15_000,
            "every replica exits"))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          replicas.forEach(p -> assertFalse(p.isAlive()));
          ctx.completeNow();
        })));
  }

  @Test
  void killingTheBalancerWithSigkillLeavesNoReplica(Vertx vertx, VertxTestContext ctx) throws IOException {
    runAndEnd(vertx, ctx, () -> balancer.process.destroyForcibly());
  }

  @Test
  void stoppingTheBalancerWithSigtermStopsItsReplicas(Vertx vertx, VertxTestContext ctx) throws IOException {
    runAndEnd(vertx, ctx, () -> balancer.process.destroy());
  }
}
