package dev.lb.bus;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param shaping  its weight, state and slow start, as an operator and the manager set them
 */
public record ReplicaInfo(String name, int ringId, String host, int port, String instance, int healthPort,
    Shaping shaping) {

  /** A replica probed on its own port, shaped by default. */
  public ReplicaInfo(String name, int ringId, String host, int port, String instance) {
    this(name, ringId, host, port, instance, port);
  }

  /** A replica shaped by default. */
  public ReplicaInfo(String name, int ringId, String host, int port, String instance, int healthPort) {
    this(name, ringId, host, port, instance, healthPort, Shaping.DEFAULT);
  }

  public ReplicaInfo {
    shaping = shaping == null ? Shaping.DEFAULT : shaping;
  }

  /** Ring id → weight of {@code replicas}, in their order: what a ring is built of. */
  public static Map<Integer, Integer> weights(Collection<ReplicaInfo> replicas) {
    Map<Integer, Integer> weights = new LinkedHashMap<>();
    replicas.forEach(r -> weights.put(r.ringId(), r.shaping().weight()));
    return weights;
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
    if (healthPort != port) {
      json.put(HEALTH_PORT, healthPort);
    }
    return shaping.writeTo(json);
  }

  public static ReplicaInfo fromJson(JsonObject json) {
    int port = json.getInteger(PORT);
    return new ReplicaInfo(json.getString(NAME), json.getInteger(RING_ID), json.getString(HOST), port,
        json.getString(INSTANCE, ""), json.getInteger(HEALTH_PORT, port), Shaping.readFrom(json));
  }

  /** Where it is reached, as {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }
}
