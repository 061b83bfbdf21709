package dev.lb.replica;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/** The wait, before removed replicas are stopped, for the requests under way on them to end. */
interface Drains {

  /**
   * Completes once every balancer has applied {@code snapshot} (which no longer routes to {@code replicas}) and has no
   * request to them in flight, or after {@code maxMs} at the latest.
   */
  Future<Void> await(JsonObject snapshot, Collection<String> replicas, long maxMs);
}
