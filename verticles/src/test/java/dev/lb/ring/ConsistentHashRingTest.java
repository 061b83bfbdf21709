package dev.lb.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConsistentHashRingTest {

  private static final RingSpec ASSIGNMENT = RingSpec.defaults();

  private static int[] slotsOf(ConsistentHashRing ring, int ringId) {
    return Arrays.stream(ring.nodeSlots()).filter(s -> ring.nodeAt(s) == ringId).toArray();
  }

  @Test
  void defaultsAreTheAssignments() {
    assertEquals(512, ASSIGNMENT.slots());
    assertEquals(9, ASSIGNMENT.vnodes());
    assertEquals("assignment", ASSIGNMENT.family().name());
    assertEquals(Probing.LINEAR, ASSIGNMENT.probing());
  }

  @Test
  void assignmentVirtualNodesForThreeReplicasSitOnTheirExactSlots() {
    ConsistentHashRing ring = ConsistentHashRing.build(ASSIGNMENT, List.of(1, 2, 3));
    // Φ(i, j) = i² + j² + 2j + 25; Φ(2, 0) = 29 = Φ(1, 1) and Φ(3, 0) = 34 = Φ(1, 2), Φ(3, 1) = 37 = Φ(2, 2): probed on.
    assertArrayEquals(new int[] {26, 29, 34, 41, 50, 61, 74, 89, 106}, slotsOf(ring, 1));
    assertArrayEquals(new int[] {30, 32, 37, 44, 53, 64, 77, 92, 109}, slotsOf(ring, 2));
    assertArrayEquals(new int[] {35, 38, 42, 49, 58, 69, 82, 97, 114}, slotsOf(ring, 3));
  }

  @Test
  void assignmentRequestSlotsFollowTheFormula() {
    ConsistentHashRing ring = ConsistentHashRing.build(ASSIGNMENT, List.of(1, 2, 3));
    assertEquals(20, ring.slotOf(1));           // 1 + 2 + 17
    assertEquals(52, ring.slotOf(5));           // 25 + 10 + 17
    assertEquals(137, ring.slotOf(10));         // 100 + 20 + 17
    assertEquals((int) ((123456L * 123456 + 2 * 123456 + 17) % 512), ring.slotOf(123456));
    assertEquals(ring.slotOf(7), ring.slotOf(7 + 512 * 1000));
  }

  @Test
  void requestGoesToTheFirstVirtualNodeClockwiseAndWrapsAround() {
    ConsistentHashRing ring = ConsistentHashRing.build(ASSIGNMENT, List.of(1, 2, 3));
    assertEquals(1, ring.owner(1, id -> true));   // slot 20 -> node 26
    assertEquals(2, ring.owner(5, id -> true));   // slot 52 -> node 53
    assertEquals(1, ring.owner(10, id -> true));  // slot 137 -> past 114, wraps to 26
    assertEquals(3, ring.ownerFromSlot(114, id -> true));
    assertEquals(1, ring.ownerFromSlot(115, id -> true));
    assertEquals(1, ring.ownerFromSlot(0, id -> true));
  }

  @Test
  void unusableOwnersAreSkippedClockwise() {
    ConsistentHashRing ring = ConsistentHashRing.build(ASSIGNMENT, List.of(1, 2, 3));
    assertEquals(2, ring.owner(1, id -> id != 1));           // 26(1) 29(1) 30(2)
    assertEquals(3, ring.owner(1, id -> id == 3));           // 34(1) 35(3)
    assertEquals(Ring.NONE, ring.owner(1, id -> false));
    assertEquals(Ring.NONE, ConsistentHashRing.build(ASSIGNMENT, List.of()).owner(1, id -> true));
  }

  @Test
  void seedFamilyFollowsTheSeedDocument() {
    HashFamily seed = new SeedHash();
    assertEquals((3 + 8 + 17) % 512, seed.requestSlot(3, 512));
    assertEquals((1234 + (1 << 4) + 17) % 512, seed.requestSlot(1234, 512));
    assertEquals((2 + 5 + 32 + 25) % 512, seed.virtualNodeSlot(2, 5, 512));
    assertEquals((1 + 12 + (4096 % 512) + 25) % 512, seed.virtualNodeSlot(1, 12, 512));
  }

  /** Every virtual node prefers slot 0, to show the probe sequences. */
  private static final HashFamily PILE_UP = new HashFamily() {
    public String name() {
      return "pile-up";
    }

    public int requestSlot(long key, int slots) {
      return (int) Math.floorMod(key, (long) slots);
    }

    public int virtualNodeSlot(int ringId, int j, int slots) {
      return 0;
    }
  };

  @Test
  void linearProbingTakesTheNextFreeSlot() {
    ConsistentHashRing ring = ConsistentHashRing.build(new RingSpec(64, 4, PILE_UP, Probing.LINEAR), List.of(1));
    assertArrayEquals(new int[] {0, 1, 2, 3}, ring.nodeSlots());
  }

  @Test
  void quadraticProbingStepsBySquares() {
    ConsistentHashRing ring = ConsistentHashRing.build(new RingSpec(64, 4, PILE_UP, Probing.QUADRATIC), List.of(1));
    // 0; then 0+1; then 0+1 taken -> 0+4; then 0+1, 0+4 taken -> 0+9
    assertArrayEquals(new int[] {0, 1, 4, 9}, ring.nodeSlots());
  }

  @Test
  void quadraticProbingStillFillsAFullRing() {
    ConsistentHashRing ring = ConsistentHashRing.build(new RingSpec(16, 4, PILE_UP, Probing.QUADRATIC), List.of(1, 2, 3, 4));
    assertArrayEquals(IntStream.range(0, 16).toArray(), ring.nodeSlots());
  }

  @Test
  void tooManyReplicasForTheSlotsIsRefused() {
    assertEquals(56, ASSIGNMENT.capacity());
    List<Integer> ids = new ArrayList<>();
    IntStream.rangeClosed(1, 57).forEach(ids::add);
    assertThrows(IllegalArgumentException.class, () -> ConsistentHashRing.build(ASSIGNMENT, ids));
    assertEquals(56 * 9, ConsistentHashRing.build(ASSIGNMENT, ids.subList(0, 56)).nodeSlots().length);
  }

  @Test
  void theRingDependsOnlyOnItsMembersNotOnTheirOrder() {
    RingSpec spec = new RingSpec(512, 9, new Murmur3Hash(), Probing.LINEAR);
    ConsistentHashRing a = ConsistentHashRing.build(spec, List.of(3, 1, 2));
    ConsistentHashRing b = ConsistentHashRing.build(spec, List.of(1, 2, 3));
    assertArrayEquals(a.nodeSlots(), b.nodeSlots());
    for (int s : a.nodeSlots()) {
      assertEquals(a.nodeAt(s), b.nodeAt(s));
    }
  }

  @Test
  void addingAReplicaMovesKeysOnlyToIt() {
    for (HashFamily family : HashFamilies.all()) {
      RingSpec spec = new RingSpec(512, 9, family, Probing.LINEAR);
      ConsistentHashRing before = ConsistentHashRing.build(spec, List.of(1, 2, 3));
      ConsistentHashRing after = ConsistentHashRing.build(spec, List.of(1, 2, 3, 4));
      for (long key = 100_000; key < 110_000; key++) {
        int was = before.owner(key, id -> true);
        int now = after.owner(key, id -> true);
        assertTrue(was == now || now == 4, family.name() + ": key " + key + " moved from " + was + " to " + now);
      }
    }
  }

  @Test
  void aReplacementOnTheSameRingIdOwnsTheSameKeys() {
    RingSpec spec = new RingSpec(512, 9, new XxHash(), Probing.LINEAR);
    ConsistentHashRing ring = ConsistentHashRing.build(spec, List.of(1, 2, 3));
    ConsistentHashRing again = ConsistentHashRing.build(spec, List.of(1, 2, 3));
    for (long key = 0; key < 5_000; key++) {
      assertEquals(ring.owner(key, id -> true), again.owner(key, id -> true));
    }
  }

  @Test
  void unknownNamesAreRefusedWithTheChoices() {
    var e = assertThrows(IllegalArgumentException.class, () -> HashFamilies.named("md5"));
    assertTrue(e.getMessage().contains("assignment"), e.getMessage());
    assertEquals("murmur3", HashFamilies.named(" Murmur3 ").name());
    assertEquals(Probing.QUADRATIC, Probing.named("quadratic"));
    assertThrows(IllegalArgumentException.class, () -> Probing.named("cuckoo"));
  }
}
