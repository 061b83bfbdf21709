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

  /**
   * Event, published after every change of the set: snapshot {"epoch", "version", "replicas": [{"name", "ringId",
   * "host", "port", "instance"}]}. Followers apply only a snapshot whose {@link Stamp} is newer than theirs.
   */
  public static final String REPLICAS_CHANGED = "lb.replicas.changed";

  /**
   * Event {"replica": string, "reason": string, "epoch": long}: the replica is dead or unreachable; the manager
   * replaces it. Followers ignore it if its epoch is older than the snapshot they apply.
   */
  public static final String REPLICA_DOWN = "lb.replica.down";

  /** Event {"replica": string, "reason": string, "epoch": long}: a replica that was down or suspect answers again. */
  public static final String REPLICA_UP = "lb.replica.up";

  /** Event {"replica": string, "reason": string}: a balancer saw a forward fail; the heartbeat probes it at once. */
  public static final String REPLICA_SUSPECT = "lb.replica.suspect";

  /**
   * Event {"event": string, "replica": string, "ringId": int, "address": string, "detail": string, "time": long}: a
   * replica's lifecycle ({@link Lifecycle.Event}: starting, started, adopted, down, replacing, replaced, removed, ejected,
   * failed), from the manager (and, for ejected, a balancer). For dashboards and counters; nothing acts on it.
   */
  public static final String LIFECYCLE = "lb.lifecycle";

  /**
   * Message {"replica": string, "balancer": string, "inFlight": int} to the manager: a balancer instance still has
   * requests in flight to a replica that left routing; the manager stops it only after {@link #REPLICA_IDLE} (a drain).
   */
  public static final String REPLICA_BUSY = "lb.replica.busy";

  /** Message {"replica": string, "balancer": string, "inFlight": 0} to the manager: that balancer's last one ended. */
  public static final String REPLICA_IDLE = "lb.replica.idle";

  /**
   * Request {} → reply {}, local to a node: its active replica manager stops acting and forgets its replicas without
   * stopping them, so that the manager of another node adopts them (a handover, when a node stops).
   */
  public static final String MANAGER_RELEASE = "lb.manager.release";

  /**
   * Request {} → reply {}, local to a node: the node is about to stop. Its manager, if active, hands the replicas over
   * to another candidate node, or stops them if none is left; the reply comes when that is done.
   */
  public static final String NODE_LEAVING = "lb.node.leaving";
}
