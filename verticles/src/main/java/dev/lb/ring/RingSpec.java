package dev.lb.ring;

/**
 * The shape of a consistent hash ring.
 *
 * @param slots   M, the number of slots
 * @param vnodes  K, the virtual nodes per replica
 * @param family  the hash functions placing keys and virtual nodes
 * @param probing how a virtual node whose slot is taken finds another
 */
public record RingSpec(int slots, int vnodes, HashFamily family, Probing probing) {

  public RingSpec {
    if (slots < 1) {
      throw new IllegalArgumentException("ring slots must be at least 1, got " + slots);
    }
    if (vnodes < 1 || vnodes > slots) {
      throw new IllegalArgumentException("virtual nodes per replica must be in 1.." + slots + ", got " + vnodes);
    }
  }

  /** The assignment's defaults: M = 512, K = 9, the assignment's functions, linear probing. */
  public static RingSpec defaults() {
    return new RingSpec(512, defaultVnodes(512), new AssignmentHash(), Probing.LINEAR);
  }

  /** K = log2(M), at least 1. */
  public static int defaultVnodes(int slots) {
    return Math.max(1, 31 - Integer.numberOfLeadingZeros(slots));
  }

  /** How many replicas fit: every virtual node needs a slot of its own. */
  public int capacity() {
    return slots / vnodes;
  }
}
