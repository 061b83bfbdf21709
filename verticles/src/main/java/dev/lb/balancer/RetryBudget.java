package dev.lb.balancer;

import java.util.function.LongSupplier;

/**
 * How many retries the requests of the last {@value #WINDOW_S} seconds leave room for: at most {@code percent} of
 * them, plus a floor of {@value #FLOOR_PER_S} a second so that a quiet balancer still retries, so that a fleet that
 * fails receives a bounded share more than its clients send (with {@code proxy.retries = 2} and no budget, up to 3×).
 * Counted in one-second buckets of a sliding window. Plain Java, confined to its balancer instance's event loop.
 */
final class RetryBudget {

  static final int WINDOW_S = 10;
  static final int FLOOR_PER_S = 3;
  private static final long SECOND_NS = 1_000_000_000L;

  private final int percent;
  private final LongSupplier nanoClock;
  private final long[] requests = new long[WINDOW_S];
  private final long[] retries = new long[WINDOW_S];
  /** The second of the newest bucket, in seconds of {@code nanoClock}. */
  private long newest;
  private long requestsInWindow;
  private long retriesInWindow;

  /** At most {@code percent} (over 0) of the requests in the window as retries, plus the floor. */
  RetryBudget(int percent, LongSupplier nanoClock) {
    if (percent <= 0) {
      throw new IllegalArgumentException("a retry budget is a percentage over 0, got " + percent);
    }
    this.percent = percent;
    this.nanoClock = nanoClock;
    this.newest = nanoClock.getAsLong() / SECOND_NS;
  }

  /** A request came (its first try). */
  void requested() {
    int k = advance();
    requests[k]++;
    requestsInWindow++;
  }

  /** Whether one more retry fits in the budget; if so, it is counted as spent. */
  boolean spend() {
    int k = advance();
    if (retriesInWindow >= FLOOR_PER_S * WINDOW_S + requestsInWindow * percent / 100) {
      return false;
    }
    retries[k]++;
    retriesInWindow++;
    return true;
  }

  /** Moves the window to now, emptying the buckets of the seconds that passed; the bucket of now. */
  private int advance() {
    long now = nanoClock.getAsLong() / SECOND_NS;
    long passed = Math.min(now - newest, WINDOW_S);
    for (long s = 1; s <= passed; s++) {
      int k = (int) Math.floorMod(newest + s, (long) WINDOW_S);
      requestsInWindow -= requests[k];
      retriesInWindow -= retries[k];
      requests[k] = 0;
      retries[k] = 0;
    }
    if (now > newest) {
      newest = now;
    }
    return (int) Math.floorMod(newest, (long) WINDOW_S);
  }
}
