package dev.lb.bus;

/**
 * This node does not see a quorum of the cluster (a network partition, or too few members started): nothing that
 * changes the replica set may happen here until it does. Answered {@code 503}.
 */
public final class NoQuorum extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** This node hears from fewer than {@code needed} of the cluster's members. */
  public NoQuorum(int needed) {
    super("<Error> No quorum: this node hears from fewer than " + needed + " of the cluster's members (cluster.quorum); "
        + "the replica set cannot change here until the network heals", null, false, false);
  }
}
