package dev.lb.admin;

import dev.lb.bus.NodeMessages;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * This node's place in the cluster, as the admin port shows it: {"clustered", "quorum", "members", "needed", "manager":
 * {"epoch", "acting"} or null if no manager runs here, "routing": whether the members present route as this node does
 * ({@code Addresses#NODE_ROUTING}'s answer), null if not clustered}; not clustered: {"clustered": false, "quorum": true, ...}. Asked
 * of the node's own verticles, which answer at once (no consumer: not clustered, or no manager here).
 */
final class ClusterState {

  private static final long LOCAL_QUERY_MS = 1000;

  /** Before anything was asked. */
  static final JsonObject UNKNOWN = of(null, null, null);

  private ClusterState() {}

  /** Asks now. */
  static Future<JsonObject> now(Vertx vertx) {
    Future<JsonObject> quorum = ask(vertx, Addresses.NODE_QUORUM);
    Future<JsonObject> manager = ask(vertx, Addresses.MANAGER_STATE);
    Future<JsonObject> routing = ask(vertx, Addresses.NODE_ROUTING);
    return Future.join(quorum, manager, routing).transform(ar -> Future.succeededFuture(of(quorum.result(),
        manager.result(), routing.result())));
  }

  /** The state a quorum event ({@link Addresses#NODE_QUORUM_CHANGED}) gives, the manager's as last seen in {@code last}. */
  static JsonObject quorumChanged(JsonObject event, JsonObject last) {
    return of(event, last.getJsonObject("manager"), last.getJsonObject("routing"));
  }

  private static Future<JsonObject> ask(Vertx vertx, String address) {
    return vertx.eventBus().<JsonObject>request(address, new JsonObject(), ReplicaMessages.within(LOCAL_QUERY_MS))
        .map(msg -> msg.body()).otherwiseEmpty();
  }

  private static JsonObject of(JsonObject quorum, JsonObject manager, JsonObject routing) {
    JsonObject q = quorum == null ? new JsonObject() : quorum;
    return new JsonObject().put("clustered", q.getBoolean(NodeMessages.CLUSTERED, false))
        .put("quorum", NodeMessages.present(q)).put("members", q.getInteger(NodeMessages.MEMBERS, 1))
        .put("needed", q.getInteger(NodeMessages.NEEDED, 1)).put("manager", manager).put("routing", routing);
  }
}
