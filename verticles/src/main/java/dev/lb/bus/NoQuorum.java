package dev.lb.bus;

/**
 * This node does not see a quorum of the cluster (a network partition, or too few members started): nothing that
 * changes the replica set may happen here until it does. Answered {@code 503}.
 */
public final class NoQuorum extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** This node sees {@code members} of the cluster's members and needs {@code needed}. */
  public NoQuorum(int members, int needed) {
    super("<Error> No quorum: this node sees " + members + " of the " + needed + " cluster members it needs; the replica "
        + "set cannot change until the network heals", null, false, false);
  }
}
