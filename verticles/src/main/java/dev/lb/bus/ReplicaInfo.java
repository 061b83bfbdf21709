package dev.lb.bus;

import io.vertx.core.json.JsonObject;

/**
 * One replica as the manager publishes it.
 *
 * @param name     the name shown by {@code /rep} (for example {@code Server 1})
 * @param ringId   the small integer {@code i} that places its virtual nodes; also its server id
 * @param host     where balancers and the heartbeat reach it
 * @param port     its HTTP port there
 * @param instance the backend's handle: a process id, a container id or a deployment id; a manager that takes over
 *                 finds the replica again by it
 * @param healthPort where its health path is probed: its port, or the port of the lease keeper in front of it
 */
public record ReplicaInfo(String name, int ringId, String host, int port, String instance, int healthPort) {

  /** A replica probed on its own port. */
  public ReplicaInfo(String name, int ringId, String host, int port, String instance) {
    this(name, ringId, host, port, instance, port);
  }

  static final String NAME = "name";
  static final String RING_ID = "ringId";
  static final String HOST = "host";
  static final String PORT = "port";
  static final String INSTANCE = "instance";
  static final String HEALTH_PORT = "healthPort";

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put(NAME, name).put(RING_ID, ringId).put(HOST, host).put(PORT, port)
        .put(INSTANCE, instance);
    return healthPort == port ? json : json.put(HEALTH_PORT, healthPort);
  }

  public static ReplicaInfo fromJson(JsonObject json) {
    int port = json.getInteger(PORT);
    return new ReplicaInfo(json.getString(NAME), json.getInteger(RING_ID), json.getString(HOST), port,
        json.getString(INSTANCE, ""), json.getInteger(HEALTH_PORT, port));
  }

  /** Where it is reached, as {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }
}
