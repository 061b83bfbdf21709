package dev.lb.ring;

import org.apache.commons.codec.digest.MurmurHash3;

/**
 * MurmurHash3 (x86, 32-bit, from Apache Commons Codec) of the request key and of the pair {@code (ring id, j)}.
 *
 * <p>A virtual node depends only on its replica's ring id, so a replacement lands where the replica it replaces stood.
 */
public final class Murmur3Hash implements HashFamily {

  public static final String NAME = "murmur3";
  private static final int REQUEST_SEED = 0x5bd1e995;
  private static final int NODE_SEED = 0x1b873593;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int requestSlot(long key, int slots) {
    return Slots.reduce(MurmurHash3.hash32(key, REQUEST_SEED), slots);
  }

  @Override
  public int virtualNodeSlot(int ringId, int j, int slots) {
    return Slots.reduce(MurmurHash3.hash32(ringId, j, NODE_SEED), slots);
  }
}
