package dev.lb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.RingSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The meters of the set hear it on the bus: the recorded set at start, then the manager's snapshots and events. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ReplicaMetricsVerticleTest {

  private static Double up(SimpleMeterRegistry registry, String replica) {
    Gauge gauge = registry.find("lb.server.up").tag("replica", replica).gauge();
    return gauge == null ? null : gauge.value();
  }

  @Test
  void theRecordedSetIsMeteredAtStartAndThePublishedChangesAfter(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ReplicaStore.shared(vertx).save(ReplicaMetersTest.snapshot(1, 1, "S1", "S2"))
        .compose(v -> vertx.deployVerticle(new ReplicaMetricsVerticle(ids -> ConsistentHashRing.build(RingSpec.defaults(), ids),
            new ProxyMetrics(registry), new SystemMetrics(registry))))
        .onComplete(ctx.succeeding(id -> {
          ctx.verify(() -> {
            assertEquals(1.0, up(registry, "S1"), "the recorded set, before any publication");
            assertEquals(1.0, up(registry, "S2"));
          });
          vertx.eventBus().publish(Addresses.REPLICAS_CHANGED, ReplicaMetersTest.snapshot(1, 2, "S2", "S3"));
          vertx.eventBus().publish(Addresses.REPLICA_DOWN, ReplicaMessages.replicaEvent("S3", "missed", 1));
          // published events reach the verticle's event loop in their order, some time after this; wait for them
          vertx.setPeriodic(20, t -> {
            if (up(registry, "S1") == null && Double.valueOf(0.0).equals(up(registry, "S3"))) {
              vertx.cancelTimer(t);
              ctx.verify(() -> assertEquals(1.0, up(registry, "S2")));
              ctx.completeNow();
            }
          });
        }));
  }
}
