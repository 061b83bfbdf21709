package dev.lb.ring;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of a prime size M in which every member
 * fills entries in the order of its own permutation {@code (offset + j * skip) mod M}, taking turns, so each
 * member holds M/N entries, give or take one. A key is served by the member at entry {@code hash(key) mod M}.
 *
 * <p>Offsets and skips come from the hash family's virtual-node function of the member's ring id, so a replacement
 * on the same ring id fills the same entries.
 */
public final class MaglevTable implements Ring {

  /** The paper's smaller recommended table size: a prime well above 100 × the members. */
  public static final int DEFAULT_SIZE = 65_537;

  private final HashFamily family;
  private final int[] members;
  private final int[] entries;

  private MaglevTable(HashFamily family, int[] members, int[] entries) {
    this.family = family;
    this.members = members;
    this.entries = entries;
  }

  /** Builds the table of {@code ringIds}, each of weight 1; {@code size} must be a prime. */
  public static MaglevTable build(HashFamily family, int size, Collection<Integer> ringIds) {
    return build(family, size, RingFactory.even(ringIds));
  }

  /**
   * Builds the table of the ring ids of {@code weightByRingId}; {@code size} must be a prime. In each round a member
   * of weight w fills w entries, so its share is w / (sum of weights), give or take w entries; weight 1 everywhere is
   * the paper's table.
   */
  public static MaglevTable build(HashFamily family, int size, Map<Integer, Integer> weightByRingId) {
    if (size < 3 || !BigInteger.valueOf(size).isProbablePrime(30)) {
      throw new IllegalArgumentException("the Maglev table size must be a prime, got " + size);
    }
    int[][] sorted = RingFactory.sorted(weightByRingId);
    int[] ids = sorted[0];
    if (Arrays.stream(sorted[1]).asLongStream().sum() > size) {
      throw new IllegalArgumentException(ids.length + " replicas of weights " + Arrays.toString(sorted[1])
          + " do not fit a Maglev table of " + size);
    }
    int[] entries = new int[size];
    Arrays.fill(entries, NONE);
    if (ids.length > 0) {
      populate(family, size, ids, sorted[1], entries);
    }
    return new MaglevTable(family, ids, entries);
  }

  private static void populate(HashFamily family, int size, int[] ids, int[] weights, int[] entries) {
    long[] offset = new long[ids.length];
    long[] skip = new long[ids.length];
    long[] next = new long[ids.length];
    for (int m = 0; m < ids.length; m++) {
      offset[m] = family.virtualNodeSlot(ids[m], 0, size);
      skip[m] = family.virtualNodeSlot(ids[m], 1, size - 1) + 1L;
    }
    for (int filled = 0; ; ) {
      for (int m = 0; m < ids.length; m++) {
        for (int turn = 0; turn < weights[m]; turn++) {
          int c = (int) ((offset[m] + next[m] * skip[m]) % size);
          while (entries[c] != NONE) {
            next[m]++;
            c = (int) ((offset[m] + next[m] * skip[m]) % size);
          }
          entries[c] = ids[m];
          next[m]++;
          if (++filled == size) {
            return;
          }
        }
      }
    }
  }

  /** The entry a key maps to. */
  public int entryOf(long key) {
    return family.requestSlot(key, entries.length);
  }

  @Override
  public int slotOf(long key) {
    return entryOf(key);
  }

  @Override
  public int owner(long key, IntPredicate usable) {
    // An owner that is out hands its key to the next entry's owner: entries are spread over members in proportion.
    return Ring.firstUsable(entries, entryOf(key), usable);
  }

  @Override
  public int[] members() {
    return members.clone();
  }

  /** How many entries each member holds, in the order of {@link #members()}. */
  public int[] entriesPerMember() {
    int[] counts = new int[members.length];
    for (int owner : entries) {
      counts[Arrays.binarySearch(members, owner)]++;
    }
    return counts;
  }

  public int size() {
    return entries.length;
  }

  /** The member owning entry {@code entry}. */
  public int ownerAt(int entry) {
    return entries[entry];
  }
}
