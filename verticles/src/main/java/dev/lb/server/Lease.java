package dev.lb.server;

/**
 * A replica's lease, when it outlives the node that started it (clustered): it is held while an active manager's
 * heartbeat claims it, and the replica exits by itself once nobody has for the lease period. A claim carries the
 * manager's epoch; one older than the newest seen is refused, so a manager that lost its role cannot keep a replica
 * alive, and learns that it was deposed. Plain Java, confined to the server's event loop.
 */
public final class Lease {

  /** The header of the heartbeat's probe carrying the manager's epoch; balancers never forward a client's own. */
  public static final String HEADER = "X-LB-Lease";

  private final long periodNanos;
  private long newestEpoch;
  private long lastClaim;

  /** A lease of {@code periodMs}, counted from {@code now} (nanoseconds), as if claimed at start. */
  public Lease(long periodMs, long now) {
    this.periodNanos = periodMs * 1_000_000;
    this.lastClaim = now;
  }

  /** A claim by the manager of {@code epoch}; false (and nothing renewed) if a newer manager has claimed it. */
  public boolean claim(long epoch, long now) {
    if (epoch < newestEpoch) {
      return false;
    }
    newestEpoch = epoch;
    lastClaim = now;
    return true;
  }

  public long newestEpoch() {
    return newestEpoch;
  }

  public boolean expired(long now) {
    return now - lastClaim > periodNanos;
  }
}
