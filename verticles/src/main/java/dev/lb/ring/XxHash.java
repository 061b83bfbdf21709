package dev.lb.ring;

import java.nio.ByteBuffer;
import org.apache.commons.codec.digest.XXHash32;

/** xxHash32 (from Apache Commons Codec) of the request key and of the pair {@code (ring id, j)}. */
public final class XxHash implements HashFamily {

  public static final String NAME = "xxhash";
  private static final int REQUEST_SEED = 0x9747b28c;
  private static final int NODE_SEED = 0x2545f491;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int requestSlot(long key, int slots) {
    return Slots.reduce(hash(ByteBuffer.allocate(Long.BYTES).putLong(key).array(), REQUEST_SEED), slots);
  }

  @Override
  public int virtualNodeSlot(int ringId, int j, int slots) {
    byte[] pair = ByteBuffer.allocate(2 * Integer.BYTES).putInt(ringId).putInt(j).array();
    return Slots.reduce(hash(pair, NODE_SEED), slots);
  }

  private static int hash(byte[] data, int seed) {
    XXHash32 xx = new XXHash32(seed);
    xx.update(data, 0, data.length);
    return (int) xx.getValue();
  }
}
