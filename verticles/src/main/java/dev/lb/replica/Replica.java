package dev.lb.replica;

import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.Shaping;

/**
 * A running replica, as a backend started it.
 *
 * @param name     its name in {@code /rep}
 * @param ringId   the ring id placing its virtual nodes, and its server id
 * @param host     where it is reached
 * @param port     its HTTP port there
 * @param instance   the backend's handle: a process id, a container id or a deployment id
 * @param healthPort where its health path is probed: its port, or its lease keeper's
 * @param shaping    its weight, state and slow start
 */
public record Replica(String name, int ringId, String host, int port, String instance, int healthPort,
    Shaping shaping) {

  /** A replica probed on its own port, shaped by default. */
  public Replica(String name, int ringId, String host, int port, String instance) {
    this(name, ringId, host, port, instance, port);
  }

  /** A replica shaped by default, as a backend starts or finds one. */
  public Replica(String name, int ringId, String host, int port, String instance, int healthPort) {
    this(name, ringId, host, port, instance, healthPort, Shaping.DEFAULT);
  }

  public Replica {
    shaping = shaping == null ? Shaping.DEFAULT : shaping;
  }

  public ReplicaInfo info() {
    return new ReplicaInfo(name, ringId, host, port, instance, healthPort, shaping);
  }

  public static Replica of(ReplicaInfo info) {
    return new Replica(info.name(), info.ringId(), info.host(), info.port(), info.instance(), info.healthPort(),
        info.shaping());
  }

  /** The same replica shaped as {@code next}. */
  public Replica shaped(Shaping next) {
    return new Replica(name, ringId, host, port, instance, healthPort, next);
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
