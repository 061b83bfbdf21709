package dev.lb.ring;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam, SODA 2018; HAProxy's
 * {@code hash-balance-factor}): a member may take one more request only while its load stays within
 * {@code ceil(c × (total + 1) / members)}. A key whose owner is full goes to the next member in its preference
 * order, so keys stay put while loads are even and move only as far as needed when they are not.
 *
 * <p>The load is one of two measures: requests {@link Measure#IN_FLIGHT in flight} (the paper's and HAProxy's: it
 * follows each replica's speed, shielding a slow one), or requests started within the last second
 * ({@link Measure#RATE}: it evens out request counts whatever the speeds). With {@code c ≥ 1} some member always has
 * room. Confined to one event loop, like the ring it bounds.
 */
public final class LoadBound {

  /** What counts as a member's load. */
  public enum Measure {
    IN_FLIGHT, RATE;

    public static Measure named(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "inflight", "in-flight", "in_flight" -> IN_FLIGHT;
        case "rate" -> RATE;
        default -> throw new IllegalArgumentException("unknown load measure '" + name + "'; choose inflight or rate");
      };
    }
  }

  /** The window of {@link Measure#RATE}: requests started in the last second, as a sliding two-bucket count. */
  static final long WINDOW_NANOS = 1_000_000_000L;

  private final double factor;
  private final Measure measure;
  private final LongSupplier clock;
  private double[] current = new double[8];
  private double[] previous = new double[8];
  private double total;
  private double previousTotal;
  private long windowStart;

  /** {@code factor} is c, at least 1; 0 turns the bound off. Loads are requests in flight. */
  public LoadBound(double factor) {
    this(factor, Measure.IN_FLIGHT, System::nanoTime);
  }

  public LoadBound(double factor, Measure measure) {
    this(factor, measure, System::nanoTime);
  }

  LoadBound(double factor, Measure measure, LongSupplier clock) {
    if (factor != 0 && factor < 1) {
      throw new IllegalArgumentException("the balance factor c must be at least 1 (or 0 for none), got " + factor);
    }
    this.factor = factor;
    this.measure = measure;
    this.clock = clock;
    this.windowStart = clock.getAsLong();
  }

  public boolean enabled() {
    return factor > 0;
  }

  /** Whether member {@code ringId} may take one more request, among {@code members} usable members. */
  public boolean admits(int ringId, int members) {
    if (factor <= 0 || members <= 0) {
      return true;
    }
    roll();
    double cap = Math.ceil(factor * (weighted(total, previousTotal) + 1) / members);
    return weighted(at(current, ringId), at(previous, ringId)) + 1 <= cap;
  }

  public void started(int ringId) {
    roll();
    if (ringId >= current.length) {
      int size = Math.max(ringId + 1, current.length * 2);
      current = Arrays.copyOf(current, size);
      previous = Arrays.copyOf(previous, size);
    }
    current[ringId]++;
    total++;
  }

  /**
   * The members changed. A request rate remembered from before would be wrong now: a newcomer at 0 would take every
   * key the others pass on until it caught up. So the window starts again. Requests in flight stay counted.
   */
  public void membersChanged() {
    if (measure == Measure.RATE) {
      Arrays.fill(current, 0);
      Arrays.fill(previous, 0);
      total = 0;
      previousTotal = 0;
      windowStart = clock.getAsLong();
    }
  }

  public void finished(int ringId) {
    if (measure == Measure.IN_FLIGHT && ringId < current.length && current[ringId] > 0) {
      current[ringId]--;
      total--;
    }
  }

  /** The member's load now: requests in flight, or requests started in the last second. */
  public double load(int ringId) {
    roll();
    return weighted(at(current, ringId), at(previous, ringId));
  }

  public double total() {
    roll();
    return weighted(total, previousTotal);
  }

  private static double at(double[] counts, int ringId) {
    return ringId < counts.length ? counts[ringId] : 0;
  }

  /** In RATE, the previous bucket counts for the part of it still inside the sliding window. */
  private double weighted(double now, double before) {
    if (measure == Measure.IN_FLIGHT) {
      return now;
    }
    double elapsed = (clock.getAsLong() - windowStart) / (double) WINDOW_NANOS;
    return now + before * Math.max(0, 1 - elapsed);
  }

  private void roll() {
    if (measure == Measure.IN_FLIGHT) {
      return;
    }
    long now = clock.getAsLong();
    if (now - windowStart < WINDOW_NANOS) {
      return;
    }
    boolean adjacent = now - windowStart < 2 * WINDOW_NANOS;
    double[] empty = previous;
    Arrays.fill(empty, 0);
    previous = adjacent ? current : empty;
    previousTotal = adjacent ? total : 0;
    current = adjacent ? empty : current;
    if (!adjacent) {
      Arrays.fill(current, 0);
    }
    total = 0;
    windowStart = adjacent ? windowStart + WINDOW_NANOS : now;
  }
}
