package dev.lb.ring;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The assignment's consistent hash ring: M slots, K virtual nodes per replica placed by {@code Φ} with probing,
 * request keys placed by {@code H}, and a request served by the first virtual node at or after its slot, clockwise.
 *
 * <p>Virtual nodes are placed in ascending ring-id order, so every balancer that sees the same members builds the
 * same ring. A slot-to-node table makes a lookup one array read.
 */
public final class ConsistentHashRing implements Ring {

  private static final int FREE = -1;

  private final RingSpec spec;
  private final int[] members;
  private final int[] nodeSlots;
  private final int[] nodeOwners;
  private final int[] firstNodeAtOrAfter;

  private ConsistentHashRing(RingSpec spec, int[] members, int[] ownerBySlot) {
    this.spec = spec;
    this.members = members;
    int count = (int) Arrays.stream(ownerBySlot).filter(o -> o != FREE).count();
    nodeSlots = new int[count];
    nodeOwners = new int[count];
    for (int s = 0, k = 0; s < ownerBySlot.length; s++) {
      if (ownerBySlot[s] != FREE) {
        nodeSlots[k] = s;
        nodeOwners[k++] = ownerBySlot[s];
      }
    }
    firstNodeAtOrAfter = new int[spec.slots()];
    for (int s = spec.slots() - 1, next = 0; s >= 0 && count > 0; s--) {
      if (ownerBySlot[s] != FREE) {
        next = Arrays.binarySearch(nodeSlots, s);
      }
      firstNodeAtOrAfter[s] = next;
    }
  }

  /** Builds the ring of {@code ringIds} (each a positive integer), each of weight 1. */
  public static ConsistentHashRing build(RingSpec spec, Collection<Integer> ringIds) {
    return build(spec, RingFactory.even(ringIds));
  }

  /**
   * Builds the ring of the ring ids of {@code weightByRingId} (each a positive integer): one of weight w places
   * w × K virtual nodes, {@code j = 0 … wK − 1}, so weight 1 is the assignment's ring.
   */
  public static ConsistentHashRing build(RingSpec spec, Map<Integer, Integer> weightByRingId) {
    int[][] sorted = RingFactory.sorted(weightByRingId);
    int[] ids = sorted[0];
    long units = Arrays.stream(sorted[1]).asLongStream().sum();
    if (units > spec.capacity()) {
      throw new IllegalArgumentException(ids.length + " replicas of " + units + " weight units (" + spec.vnodes()
          + " virtual nodes each) do not fit in " + spec.slots() + " slots");
    }
    int[] ownerBySlot = new int[spec.slots()];
    Arrays.fill(ownerBySlot, FREE);
    for (int k = 0; k < ids.length; k++) {
      int id = ids[k];
      if (id < 1) {
        throw new IllegalArgumentException("ring ids are positive, got " + id);
      }
      for (int j = 0; j < spec.vnodes() * sorted[1][k]; j++) {
        ownerBySlot[freeSlot(spec, ownerBySlot, spec.family().virtualNodeSlot(id, j, spec.slots()))] = id;
      }
    }
    return new ConsistentHashRing(spec, ids, ownerBySlot);
  }

  private static int freeSlot(RingSpec spec, int[] ownerBySlot, int preferred) {
    for (int attempt = 0; attempt < spec.slots(); attempt++) {
      int s = spec.probing().probe(preferred, attempt, spec.slots());
      if (ownerBySlot[s] == FREE) {
        return s;
      }
    }
    // Quadratic probing may cycle over a subset of slots; a free slot exists (capacity was checked), so go linear.
    for (int attempt = 1; ; attempt++) {
      int s = Probing.LINEAR.probe(preferred, attempt, spec.slots());
      if (ownerBySlot[s] == FREE) {
        return s;
      }
    }
  }

  public RingSpec spec() {
    return spec;
  }

  /** The slot of a request key. */
  @Override
  public int slotOf(long key) {
    return spec.family().requestSlot(key, spec.slots());
  }

  @Override
  public int owner(long key, IntPredicate usable) {
    return ownerFromSlot(slotOf(key), usable);
  }

  /** The first usable owner of a virtual node at or after {@code slot}, clockwise, or {@link #NONE}. */
  public int ownerFromSlot(int slot, IntPredicate usable) {
    return nodeSlots.length == 0 ? NONE : Ring.firstUsable(nodeOwners, firstNodeAtOrAfter[slot], usable);
  }

  @Override
  public int[] members() {
    return members.clone();
  }

  /** The slots holding virtual nodes, ascending. */
  public int[] nodeSlots() {
    return nodeSlots.clone();
  }

  /** The ring id owning the virtual node at {@code slot}, or {@link #NONE} if the slot is empty. */
  public int nodeAt(int slot) {
    int k = Arrays.binarySearch(nodeSlots, slot);
    return k >= 0 ? nodeOwners[k] : NONE;
  }
}
