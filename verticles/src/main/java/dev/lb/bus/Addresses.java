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

  /**
   * Request {"replica": string, "change": {"weight"?: int, "state"?: "ready" | "drain" | "maint"}} → reply snapshot:
   * the replica's shaping changed ({@link Shaping}), recorded and announced like a change of the set.
   */
  public static final String REPLICA_SHAPE = "lb.replica.shape";

  /** Request {} → reply snapshot: the replica set as the manager holds it now. */
  public static final String REPLICAS_GET = "lb.replicas.get";

  /**
   * Event, published after every change of the set: snapshot {"epoch", "version", "manager", "replicas": [{"name",
   * "ringId", "host", "port", "instance", "healthPort" (only if it is not "port"), and, only where they are not the
   * defaults, "weight", "state", "warmingFrom" ({@link Shaping})}]}. Followers apply only a snapshot
   * whose {@link Stamp} is newer than theirs.
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
   * failed), from the manager (and, for ejected, a node's outlier detector). For dashboards and counters; nothing acts on it.
   */
  public static final String LIFECYCLE = "lb.lifecycle";

  /**
   * Request to one balancer instance (see {@link BalancerRegistry}): snapshot plus {"drain": [string]}. The balancer
   * applies the snapshot, which no longer routes to those replicas, and replies {} once it has no request to them in
   * flight: the manager stops removed replicas only when every balancer has answered (a drain).
   */
  public static String drainOf(String balancer) {
    return "lb.balancer." + balancer + ".drain";
  }

  /**
   * Message, local to a node, from a balancer instance to the node's outlier detector: a forward's outcome
   * {"replica": {name, ringId, host, port, instance}, "ok": bool, "certain": bool}. Failures are always reported,
   * successes only of a replica being watched (see {@link #OUTLIER_WATCH}), so that the hot path stays quiet.
   */
  public static final String OUTLIER_REPORT = "lb.outlier.report";

  /**
   * Event, local to a node: {"replica": string, "watch": bool}: the outlier detector counts failures in a row of this
   * replica (balancers report its successes too) or no longer does.
   */
  public static final String OUTLIER_WATCH = "lb.outlier.watch";

  /**
   * Event, local to a node: {"replica": string, "until": long (System.nanoTime), "holdMs": long}: the outlier detector
   * ejected the replica; every balancer instance of the node holds it out of routing until then.
   */
  public static final String OUTLIER_EJECTED = "lb.outlier.ejected";

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

  /**
   * Request {} → reply {}, local to a node: its manager, cut off from the cluster's quorum for a while, is still the
   * manager now that the quorum is back; it acts again (replacements it held go on, it announces its set again).
   */
  public static final String MANAGER_RESUME = "lb.manager.resume";

  /**
   * Request {} → reply {"epoch": long, "acting": bool}, local to a node: the replica manager running on it, if any (no
   * consumer otherwise), and whether it acts now.
   */
  public static final String MANAGER_STATE = "lb.manager.state";

  /**
   * Event {"epoch": long, "reason": string}, local to a node: its heartbeat heard a replica answer that a manager of a
   * newer epoch claims it. This node's manager steps down at once and stops claiming its replicas.
   */
  public static final String MANAGER_DEPOSED = "lb.manager.deposed";

  /**
   * Request {} → reply {"clustered": bool, "present": bool, "members": int, "needed": int}, local to a node: whether it
   * sees a quorum of the cluster. No consumer when not clustered (then it always has one).
   */
  public static final String NODE_QUORUM = "lb.node.quorum";

  /**
   * Event, the payload of {@link #NODE_QUORUM}, local to a node: it lost or regained the quorum. Its balancers read the
   * recorded set again when the quorum is back, to follow what changed while they were cut off.
   */
  public static final String NODE_QUORUM_CHANGED = "lb.node.quorum.changed";

  /**
   * Request {} → reply {"agrees": bool, "here": {setting: value}, "differing": [{"node", "host", "differences":
   * {setting: {"here", "there"}}}]}, local to a node: whether the members present route keys as it does (see
   * {@code cluster.RoutingAgreement}). No consumer when not clustered.
   */
  public static final String NODE_ROUTING = "lb.node.routing";
}
