package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Slow start ({@code ring.slow.start}): a replica that warms up takes only the keys whose {@link #fraction} is below
 * its ramp, which grows from {@link #FLOOR} to 1 over the window from the time the manager stamped
 * ({@code warmingFrom}). As it grows, more of its keys come to it, and the ones it took stay; a key it turns away
 * goes to its next owner, as for a replica that is out of routing. Plain Java, confined to the balancer's event loop
 * with the routing table that asks it.
 */
final class SlowStart {

  /** The share of its keys a replica takes when its slow start begins. */
  static final double FLOOR = 0.1;

  private final long windowMs;
  private final LongSupplier wallClock;
  /** Per ring id: when it began to warm up (epoch ms), 0 if warm; the time after which none warms any more. */
  private long[] warmingFrom = new long[0];
  private long warmingUntil;
  // the key being picked for, read by admits()
  private long now;
  private double keyFraction;

  /** {@code windowMs}: 0 for none; {@code wallClock}: epoch ms, as the manager stamps. */
  SlowStart(long windowMs, LongSupplier wallClock) {
    this.windowMs = windowMs;
    this.wallClock = wallClock;
  }

  /** Which of {@code replicas} (ring ids below {@code size}) warm up now, by their stamps and this node's clock. */
  void apply(List<ReplicaInfo> replicas, int size) {
    warmingFrom = new long[size];
    warmingUntil = 0;
    if (windowMs <= 0) {
      return;
    }
    long wall = wallClock.getAsLong();
    for (ReplicaInfo r : replicas) {
      long from = r.shaping().warmingFrom();
      if (from > 0 && wall < from + windowMs) {
        warmingFrom[r.ringId()] = from;
        warmingUntil = Math.max(warmingUntil, from + windowMs);
      }
    }
  }

  /** A pick for {@code key} begins: what {@link #admits} answers holds for it. */
  void picking(long key) {
    if (warmingUntil == 0) {
      return;
    }
    now = wallClock.getAsLong();
    if (now >= warmingUntil) {
      warmingUntil = 0;
    } else {
      keyFraction = fraction(key);
    }
  }

  /** Whether the key being picked for may go to {@code ringId}: it is warm, or the key is below its ramp. */
  boolean admits(int ringId) {
    if (warmingUntil == 0 || ringId >= warmingFrom.length || warmingFrom[ringId] == 0) {
      return true;
    }
    double elapsed = Math.max(0, now - warmingFrom[ringId]) / (double) windowMs;
    return keyFraction < FLOOR + (1 - FLOOR) * elapsed;
  }

  /**
   * Where a key stands among a warming replica's keys, in [0, 1): a mix of its bits (Murmur3's finalizer) independent
   * of the slot it hashes to, so that every replica's keys spread evenly over it.
   */
  static double fraction(long key) {
    long z = key;
    z ^= z >>> 33;
    z *= 0xff51afd7ed558ccdL;
    z ^= z >>> 33;
    z *= 0xc4ceb9fe1a85ec53L;
    z ^= z >>> 33;
    return (z >>> 11) * 0x1.0p-53;
  }
}
