package dev.lb.bus;

/** A request names a replica the set does not have: 404 in the API's shape. */
public final class NoSuchReplica extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NoSuchReplica(String name) {
    super("<Error> Hostname '" + name + "' does not exist", null, false, false);
  }
}
