package dev.lb.outlier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lb.TestSystem;
import dev.lb.bus.Addresses;
import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.metrics.ProxyMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node's outlier detector over the bus: failures reported by several balancer instances count together, and an
 * ejection is announced once, to all of them and as one lifecycle event, with its hold-down as data.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class OutlierVerticleTest {

  private static final ReplicaInfo S2 = new ReplicaInfo("Server 2", 2, "127.0.0.1", 9002, "pid-2");

  @Test
  void failuresFromTwoBalancerInstancesCountTogetherAndEjectOnce(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf = TestSystem.config().put(ConfigKeys.PROXY_EJECT_AFTER, 3).put(ConfigKeys.PROXY_EJECT_MS, 400);
    EventBus bus = vertx.eventBus();
    List<String> heard = new ArrayList<>();
    bus.<JsonObject>localConsumer(Addresses.OUTLIER_WATCH, msg -> heard.add("watch " + msg.body().getBoolean("watch")));
    bus.<JsonObject>localConsumer(Addresses.OUTLIER_EJECTED, msg -> heard.add("ejected " + msg.body().getLong("holdMs")));
    bus.<JsonObject>consumer(Addresses.LIFECYCLE, msg -> {
      if (Lifecycle.eventOf(msg.body()) == Lifecycle.Event.EJECTED) {
        heard.add("lifecycle " + msg.body().getLong(Lifecycle.HOLD_MS));
      }
    });
    vertx.deployVerticle(OutlierVerticle.of(conf, ProxyMetrics.NONE))
        .onComplete(ctx.succeeding(id -> {
          // three failures in a row, whichever instances saw them
          bus.send(Addresses.OUTLIER_REPORT, ReplicaMessages.outlierReport(S2, false, false));
          bus.send(Addresses.OUTLIER_REPORT, ReplicaMessages.outlierReport(S2, false, false));
          bus.send(Addresses.OUTLIER_REPORT, ReplicaMessages.outlierReport(S2, false, false));
          vertx.setPeriodic(20, t -> {
            if (heard.size() >= 4) {
              vertx.cancelTimer(t);
              ctx.verify(() -> {
                assertEquals(List.of("watch true", "ejected 400", "lifecycle 400", "watch false"), heard);
                ctx.completeNow();
              });
            }
          });
        }));
  }
}
