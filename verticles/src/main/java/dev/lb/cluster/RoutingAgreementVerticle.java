package dev.lb.cluster;

import dev.lb.bus.Addresses;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a clustered node's {@link RoutingAgreement} in view once it joined: answers {@link Addresses#NODE_ROUTING}
 * (for {@code /api/cluster} and the dashboard), and every {@value #CHECK_MS} ms counts the members present that route
 * differently into the gauge {@code lb_cluster_routing_differing}, logging when that count changes. Its node's entry
 * leaves the map when it stops.
 */
public final class RoutingAgreementVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(RoutingAgreementVerticle.class.getName());
  static final long CHECK_MS = 2_000;

  private final RoutingAgreement agreement;
  private final MeterRegistry registry;
  private final AtomicInteger differing = new AtomicInteger();

  /** {@code registry}: where the gauge goes, or null (metrics off). */
  public RoutingAgreementVerticle(RoutingAgreement agreement, MeterRegistry registry) {
    this.agreement = agreement;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    if (registry != null) {
      Gauge.builder("lb.cluster.routing.differing", differing, AtomicInteger::get)
          .description("members of the cluster present now whose routing settings differ from this node's")
          .register(registry);
    }
    vertx.setPeriodic(CHECK_MS, t -> agreement.tidy()
        .onFailure(err -> LOG.log(Level.DEBUG, "the cluster's routing map could not be tidied: {0}", err.toString()))
        .transform(tidied -> agreement.state())
        .onSuccess(this::counted)
        .onFailure(err -> LOG.log(Level.DEBUG, "the cluster's routing could not be compared: {0}", err.toString())));
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.NODE_ROUTING, msg -> agreement.state()
            .onSuccess(state -> {
              counted(state);
              msg.reply(state);
            })
            .onFailure(err -> msg.fail(500, String.valueOf(err.getMessage()))))
        .completion();
  }

  private void counted(JsonObject state) {
    int now = state.getJsonArray("differing").size();
    int was = differing.getAndSet(now);
    if (now != was) {
      LOG.log(now == 0 ? Level.INFO : Level.WARNING, now == 0 ? "every member present routes as this node does"
          : "{0} member(s) present route differently from this node: {1}", now, state.getJsonArray("differing").encode());
    }
  }

  @Override
  public Future<?> stop() {
    return agreement.leave().recover(err -> {
      LOG.log(Level.WARNING, "this node''s routing entry could not be removed from the cluster: {0}", err.getMessage());
      return Future.succeededFuture();
    });
  }
}
