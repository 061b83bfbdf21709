package dev.lb.replica;

import dev.lb.bus.ReplicaInfo;

/**
 * A running replica, as a backend started it.
 *
 * @param name     its name in {@code /rep}
 * @param ringId   the ring id placing its virtual nodes, and its server id
 * @param host     where it is reached
 * @param port     its HTTP port there
 * @param instance   the backend's handle: a process id, a container id or a deployment id
 * @param healthPort where its health path is probed: its port, or its lease keeper's
 */
public record Replica(String name, int ringId, String host, int port, String instance, int healthPort) {

  /** A replica probed on its own port. */
  public Replica(String name, int ringId, String host, int port, String instance) {
    this(name, ringId, host, port, instance, port);
  }

  public ReplicaInfo info() {
    return new ReplicaInfo(name, ringId, host, port, instance, healthPort);
  }

  public static Replica of(ReplicaInfo info) {
    return new Replica(info.name(), info.ringId(), info.host(), info.port(), info.instance(), info.healthPort());
  }

  /** Its instance as logs show it: a process id as it is, a container id as Docker shows it (12 characters). */
  public String shortInstance() {
    return instance.length() > 12 ? instance.substring(0, 12) : instance;
  }

  /** Where it is reached, as {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }
}
