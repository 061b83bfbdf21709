package dev.lb.ring;

/** Maps a 32-bit hash onto {@code [0, slots)} without the bias of a signed modulo. */
final class Slots {

  private Slots() {}

  /** Lemire's multiply-shift range reduction: uses the high bits, which are the best mixed. */
  static int reduce(int hash, int slots) {
    return (int) ((Integer.toUnsignedLong(hash) * slots) >>> 32);
  }
}
