package dev.lb.bus;

import io.vertx.core.json.JsonObject;

/**
 * One replica as the manager publishes it.
 *
 * @param name   the name shown by {@code /rep} (for example {@code Server 1})
 * @param ringId the small integer {@code i} that places its virtual nodes
 * @param host   where balancers and the heartbeat reach it
 * @param port   its HTTP port there
 */
public record ReplicaInfo(String name, int ringId, String host, int port) {

  static final String NAME = "name";
  static final String RING_ID = "ringId";
  static final String HOST = "host";
  static final String PORT = "port";

  public JsonObject toJson() {
    return new JsonObject().put(NAME, name).put(RING_ID, ringId).put(HOST, host).put(PORT, port);
  }

  public static ReplicaInfo fromJson(JsonObject json) {
    return new ReplicaInfo(json.getString(NAME), json.getInteger(RING_ID), json.getString(HOST), json.getInteger(PORT));
  }
}
