package dev.lb.bus;

/**
 * Every event-bus address of the system, with its payload. Payloads are built and read by {@link ReplicaMessages}.
 *
 * <p>Requests are commands or queries answered by one consumer; events are published to all.
 */
public final class Addresses {

  private Addresses() {}

  /** Request {"n": int, "hostnames": [string]} → reply snapshot (see {@link ReplicaMessages#snapshot}). */
  public static final String REPLICAS_ADD = "lb.replicas.add";

  /** Request {"n": int, "hostnames": [string]} → reply snapshot. */
  public static final String REPLICAS_REMOVE = "lb.replicas.remove";

  /** Request {} → reply snapshot: the replica set as the manager holds it now. */
  public static final String REPLICAS_GET = "lb.replicas.get";

  /** Event, published after every change of the set: snapshot. */
  public static final String REPLICAS_CHANGED = "lb.replicas.changed";

  /** Event {"replica": string, "reason": string}: the replica is dead or unreachable; the manager replaces it. */
  public static final String REPLICA_DOWN = "lb.replica.down";

  /** Event {"replica": string}: a replica that was down or suspect answers its heartbeat again. */
  public static final String REPLICA_UP = "lb.replica.up";

  /** Event {"replica": string, "reason": string}: a balancer saw a forward fail; the heartbeat probes it at once. */
  public static final String REPLICA_SUSPECT = "lb.replica.suspect";
}
