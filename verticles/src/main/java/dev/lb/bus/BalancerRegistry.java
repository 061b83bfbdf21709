package dev.lb.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Set;

/**
 * The balancer instances of the system, by id, in a shared-data map (cluster-wide when clustered): each registers when
 * it starts and leaves when it stops. The manager asks each of them to drain a removed replica; one that died without
 * leaving has no consumer any more, and is forgotten when that is found.
 */
public final class BalancerRegistry {

  /** The shared-data map of balancer ids to the address of their node. */
  public static final String MAP = "lb.balancers";

  private final Vertx vertx;

  public BalancerRegistry(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<Void> register(String balancer, String node) {
    return map().compose(map -> map.put(balancer, node));
  }

  public Future<Void> leave(String balancer) {
    return map().compose(map -> map.remove(balancer)).mapEmpty();
  }

  public Future<Set<String>> balancers() {
    return map().compose(AsyncMap::keys);
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
