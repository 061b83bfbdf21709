package dev.lb.bus;

/**
 * A change of the replica set asked of a manager that does not own it: its replicas are run by an orchestrator (or the
 * user) and listed by a discovery source. Answered {@code 405} in the API's shape; nothing changes.
 */
public final class NotManaged extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** {@code path} ({@code /add}, {@code /rm}) refused because {@code source} lists the replicas. */
  public NotManaged(String path, String source) {
    super("<Error> Replicas are managed by the orchestrator (" + source + "), not by this load balancer: " + path
        + " cannot change them", null, false, false);
  }
}
