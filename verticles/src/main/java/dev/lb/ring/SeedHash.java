package dev.lb.ring;

import java.math.BigInteger;

/**
 * The form the seed document implemented: {@code H(i) = i + 2^(i mod 10) + 17} (the exponent capped against
 * overflow) and {@code Φ(i, j) = i + j + 2^j + 25}, mod M.
 */
public final class SeedHash implements HashFamily {

  public static final String NAME = "seed";
  private static final BigInteger TWO = BigInteger.valueOf(2);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int requestSlot(long key, int slots) {
    long i = Math.floorMod(key, slots);
    long power = 1L << Math.floorMod(key, 10);
    return (int) ((i + power + 17) % slots);
  }

  @Override
  public int virtualNodeSlot(int ringId, int j, int slots) {
    long power = TWO.modPow(BigInteger.valueOf(j), BigInteger.valueOf(slots)).longValue();
    return (int) Math.floorMod(ringId + (long) j + power + 25, (long) slots);
  }
}
