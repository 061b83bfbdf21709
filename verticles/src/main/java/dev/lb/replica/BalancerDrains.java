package dev.lb.replica;

import dev.lb.bus.Addresses;
import dev.lb.bus.BalancerRegistry;
import dev.lb.bus.ReplicaMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@link Drains} by acknowledgement: every registered balancer is asked to drain the removed replicas and answers
 * once it has no request to them in flight. A balancer with no consumer any more (its node died) is forgotten; one
 * that has not answered within the drain time is not waited for any longer.
 */
final class BalancerDrains implements Drains {

  private static final System.Logger LOG = System.getLogger(BalancerDrains.class.getName());

  private final Vertx vertx;
  private final BalancerRegistry registry;

  BalancerDrains(Vertx vertx) {
    this.vertx = vertx;
    this.registry = new BalancerRegistry(vertx);
  }

  @Override
  public Future<Void> await(JsonObject snapshot, Collection<String> replicas, long maxMs) {
    JsonObject request = ReplicaMessages.drainRequest(snapshot, List.copyOf(replicas));
    return registry.balancers().compose(balancers -> {
      List<Future<Void>> acks = new ArrayList<>();
      balancers.forEach(balancer -> acks.add(ask(balancer, request, replicas, maxMs)));
      return Future.join(acks).<Void>mapEmpty();
    }).recover(err -> {
      LOG.log(Level.WARNING, "could not list the balancers to drain {0}: {1}; stopping them now", replicas, err.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> ask(String balancer, JsonObject request, Collection<String> replicas, long maxMs) {
    return vertx.eventBus().request(Addresses.drainOf(balancer), request, ReplicaMessages.within(Math.max(1, maxMs)))
        .<Void>mapEmpty()
        .recover(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            return registry.leave(balancer).otherwiseEmpty();
          }
          LOG.log(Level.WARNING, "drain of {0}: balancer {1} still had requests on them after {2} ms (replica.drain.ms)",
              replicas, balancer, maxMs);
          return Future.succeededFuture();
        });
  }
}
