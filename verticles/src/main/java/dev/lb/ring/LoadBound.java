package dev.lb.ring;

import java.util.Arrays;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam, SODA 2018; HAProxy's
 * {@code hash-balance-factor}): a member may take one more request only while its requests in flight stay within
 * {@code ceil(c × (total + 1) / members)}. A key whose owner is full goes to the next member in its preference
 * order, so keys stay put while loads are even and move only as far as needed when they are not.
 *
 * <p>With {@code c ≥ 1} some member always has room. Confined to one event loop, like the ring it bounds.
 */
public final class LoadBound {

  private final double factor;
  private int[] inFlight = new int[8];
  private int total;

  /** {@code factor} is c, greater than 1; 0 turns the bound off. */
  public LoadBound(double factor) {
    if (factor != 0 && factor < 1) {
      throw new IllegalArgumentException("the balance factor c must be at least 1 (or 0 for none), got " + factor);
    }
    this.factor = factor;
  }

  public boolean enabled() {
    return factor > 0;
  }

  /** Whether member {@code ringId} may take one more request, among {@code members} usable members. */
  public boolean admits(int ringId, int members) {
    if (factor <= 0 || members <= 0) {
      return true;
    }
    long cap = (long) Math.ceil(factor * (total + 1) / members);
    return load(ringId) + 1 <= cap;
  }

  public void started(int ringId) {
    if (ringId >= inFlight.length) {
      inFlight = Arrays.copyOf(inFlight, Math.max(ringId + 1, inFlight.length * 2));
    }
    inFlight[ringId]++;
    total++;
  }

  public void finished(int ringId) {
    if (ringId < inFlight.length && inFlight[ringId] > 0) {
      inFlight[ringId]--;
      total--;
    }
  }

  public int load(int ringId) {
    return ringId < inFlight.length ? inFlight[ringId] : 0;
  }

  public int total() {
    return total;
  }
}
