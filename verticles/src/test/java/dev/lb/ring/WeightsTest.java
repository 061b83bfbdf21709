package dev.lb.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weights place virtual nodes (a ring) or table entries (Maglev) in proportion: a replica of weight 2 takes twice the
 * mean share of the others, and weight 1 everywhere builds the very ring of before.
 */
class WeightsTest {

  private static final HashFamily MURMUR = HashFamilies.named("murmur3");
  /**
   * A ring with arcs even enough to show a weight's share: 2^23 slots, 16,384 virtual nodes per weight unit. A share's
   * spread shrinks as one over the square root of its virtual nodes (with 4,096 a ratio came out at 1.93), and a
   * virtual node placed late that probes past a taken slot gets an arc of one slot, so a crowded ring shortchanges
   * the members placed last (at 2^21 slots, 5 % full, the ratio came out at 1.94–1.99, always under 2).
   */
  static final RingSpec STRONG = new RingSpec(1 << 23, 16_384, MURMUR, Probing.LINEAR);

  /** Ring ids 1..n, the last of weight 2. */
  private static Map<Integer, Integer> lastDoubled(int n) {
    Map<Integer, Integer> weights = new LinkedHashMap<>();
    for (int id = 1; id <= n; id++) {
      weights.put(id, id == n ? 2 : 1);
    }
    return weights;
  }

  /** The doubled member's share over the mean share of the others. */
  private static double ratio(Map<Integer, Double> shares, int n) {
    double others = 0;
    for (int id = 1; id < n; id++) {
      others += shares.get(id);
    }
    return shares.get(n) / (others / (n - 1));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 6})
  void weightTwoTakesTwiceTheMeanShareOnMaglev(int n) {
    Map<Integer, Double> shares = RingPicture.of(MaglevTable.build(MURMUR, MaglevTable.DEFAULT_SIZE, lastDoubled(n))).shares();
    assertEquals(2.0, ratio(shares, n), 0.05, "shares " + shares);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 6})
  void weightTwoTakesTwiceTheMeanShareOnAStrongRing(int n) {
    Map<Integer, Double> shares = RingPicture.of(ConsistentHashRing.build(STRONG, lastDoubled(n))).shares();
    assertEquals(2.0, ratio(shares, n), 0.05, "shares " + shares);
    System.out.printf("weight 2 of %d on a strong ring: %.3f x the mean share of the others%n", n, ratio(shares, n));
  }

  @Test
  void weightOneEverywhereIsTheUnweightedRing() {
    RingSpec spec = RingSpec.defaults();
    ConsistentHashRing plain = ConsistentHashRing.build(spec, List.of(1, 2, 3));
    ConsistentHashRing weighted = ConsistentHashRing.build(spec, Map.of(1, 1, 2, 1, 3, 1));
    assertArrayEquals(plain.nodeSlots(), weighted.nodeSlots());
    MaglevTable table = MaglevTable.build(MURMUR, 5003, List.of(1, 2, 3));
    MaglevTable same = MaglevTable.build(MURMUR, 5003, Map.of(1, 1, 2, 1, 3, 1));
    for (int e = 0; e < table.size(); e++) {
      assertEquals(table.ownerAt(e), same.ownerAt(e));
    }
  }

  @Test
  void aHeavierReplicaKeepsItsOwnVirtualNodesAndAddsMore() {
    RingSpec spec = new RingSpec(4096, 16, MURMUR, Probing.LINEAR);
    ConsistentHashRing light = ConsistentHashRing.build(spec, Map.of(1, 1));
    ConsistentHashRing heavy = ConsistentHashRing.build(spec, Map.of(1, 3));
    assertEquals(16, light.nodeSlots().length);
    assertEquals(48, heavy.nodeSlots().length);
    for (int slot : light.nodeSlots()) {
      assertEquals(1, heavy.nodeAt(slot), "the first K virtual nodes stay where they were");
    }
  }

  @Test
  void weightsThatDoNotFitAreRefused() {
    RingSpec spec = RingSpec.defaults();
    assertThrows(IllegalArgumentException.class, () -> ConsistentHashRing.build(spec, Map.of(1, 50, 2, 10)));
    assertThrows(IllegalArgumentException.class, () -> ConsistentHashRing.build(spec, Map.of(1, 0)));
    assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(MURMUR, 7, Map.of(1, 5, 2, 3)));
  }
}
