package dev.lb.outlier;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Passive outlier detection, per replica name, for a whole node: after {@code ejectAfter} failed forwards in a row
 * (connection errors, timeouts, 5xx replies), counted across all of the node's balancer instances, a replica is held
 * out of routing for {@code baseNanos}, doubled for each further ejection within {@link #MEMORY_NANOS} (up to 32×). A
 * replica that fails again right after it comes back is held out longer and longer instead of flapping in and out.
 * Plain Java, confined to the outlier detector's event loop; times are {@link System#nanoTime()} values.
 */
final class Outliers {

  /** Ejections older than this are forgotten: the next one starts again from the base hold-down. */
  static final long MEMORY_NANOS = 60_000_000_000L;
  private static final int MAX_DOUBLINGS = 5;

  private static final class State {
    int consecutive;
    int ejections;
    long lastEjection;
    long until;
  }

  private final int ejectAfter;
  private final long baseNanos;
  private final Map<String, State> states = new HashMap<>();

  Outliers(int ejectAfter, long baseMillis) {
    this.ejectAfter = Math.max(1, ejectAfter);
    this.baseNanos = baseMillis * 1_000_000;
  }

  /** A forward to {@code name} got an answer that was not a server error; true if it had failures in a row. */
  boolean succeeded(String name) {
    State s = states.get(name);
    if (s == null || s.consecutive == 0) {
      return false;
    }
    s.consecutive = 0;
    return true;
  }

  /**
   * A forward to {@code name} failed at {@code now}; {@code certain} failures (nothing answers at all) eject at once.
   * Returns the end of the hold-down if this failure ejected it, 0 otherwise (not yet, or still held out).
   */
  long failed(String name, boolean certain, long now) {
    State s = states.computeIfAbsent(name, n -> new State());
    s.consecutive++;
    if (s.until > now || !certain && s.consecutive < ejectAfter) {
      return 0;
    }
    s.ejections = now - s.lastEjection > MEMORY_NANOS || s.lastEjection == 0 ? 1 : s.ejections + 1;
    s.lastEjection = now;
    s.until = now + (baseNanos << Math.min(MAX_DOUBLINGS, s.ejections - 1));
    s.consecutive = 0;
    return s.until;
  }

  /** Whether {@code name} has failures in a row, so that successes must be reported. */
  boolean watched(String name) {
    State s = states.get(name);
    return s != null && s.consecutive > 0;
  }

  void forget(Set<String> keep) {
    states.keySet().retainAll(keep);
  }
}
