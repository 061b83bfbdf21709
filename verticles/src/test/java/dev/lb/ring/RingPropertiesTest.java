package dev.lb.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/** The guarantees of the ring algorithms beyond the assignment: balance, minimal movement, stability. */
class RingPropertiesTest {

  private static final int KEYS = 20_000;
  /** Keys looked up to compare rings built from members given in different orders. */
  private static final int ORDER_KEYS = 2_000;
  private static final HashFamily MURMUR = new Murmur3Hash();

  private static long key(int k) {
    return RequestKeys.of("key-" + k);
  }

  /** Share of {@code KEYS} keys whose owner differs between two rings. */
  private static double moved(Ring a, Ring b) {
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      if (a.owner(key(k), id -> true) != b.owner(key(k), id -> true)) {
        moved++;
      }
    }
    return moved / (double) KEYS;
  }

  @Provide
  Arbitrary<Set<Integer>> memberSets() {
    return Arbitraries.integers().between(1, 60).set().ofMinSize(2).ofMaxSize(12);
  }

  @Property(tries = 30)
  void maglevGivesEveryMemberItsShareOfEntriesWithinOne(@ForAll("memberSets") Set<Integer> members) {
    int[] counts = MaglevTable.build(MURMUR, 5003, members).entriesPerMember();
    assertTrue(Arrays.stream(counts).max().getAsInt() - Arrays.stream(counts).min().getAsInt() <= 1,
        Arrays.toString(counts));
  }

  /**
   * Maglev's disruption is near the ideal, not at it: jqwik found members {9, 1, 6, 3, 18, 2, 5, 21, 46} plus 61 moving
   * 0.110 of the keys where the ideal is 0.100, so the bound is a fifth above the ideal (a ring that reshuffled would
   * move several times the ideal).
   */
  @Property(tries = 15)
  void maglevMovesAtMostAFifthMoreThanTheIdealShareOnAddAndRemove(@ForAll("memberSets") Set<Integer> members,
      @ForAll @IntRange(min = 61, max = 90) int newcomer) {
    MaglevTable before = MaglevTable.build(MURMUR, MaglevTable.DEFAULT_SIZE, members);
    Set<Integer> grown = new TreeSet<>(members);
    grown.add(newcomer);
    MaglevTable after = MaglevTable.build(MURMUR, MaglevTable.DEFAULT_SIZE, grown);
    double ideal = 1.0 / grown.size();
    assertTrue(moved(before, after) <= 1.2 * ideal, "add: " + moved(before, after) + " vs ideal " + ideal);
    assertTrue(moved(after, before) <= 1.2 * ideal, "remove: " + moved(after, before) + " vs ideal " + ideal);
  }

  @Property(tries = 10)
  void aStrongRingWithManyVirtualNodesIsBalanced(@ForAll @IntRange(min = 2, max = 6) int n) {
    RingSpec spec = new RingSpec(65_536, 256, MURMUR, Probing.LINEAR);
    List<Integer> ids = new ArrayList<>();
    for (int id = 1; id <= n; id++) {
      ids.add(id);
    }
    ConsistentHashRing ring = ConsistentHashRing.build(spec, ids);
    int[] counts = new int[n + 1];
    for (int k = 0; k < KEYS * 5; k++) {
      counts[ring.owner(key(k), id -> true)]++;
    }
    double mean = KEYS * 5.0 / n;
    double max = Arrays.stream(counts).max().getAsInt() / mean;
    assertTrue(max <= 1.15, "max/mean " + max + " for N = " + n);
  }

  @Property(tries = 20)
  void whenAMemberIsOutOnlyItsKeysGoElsewhere(@ForAll("memberSets") Set<Integer> members, @ForAll boolean maglev) {
    Ring ring = maglev ? MaglevTable.build(MURMUR, 5003, members)
        : ConsistentHashRing.build(new RingSpec(4096, 64, MURMUR, Probing.LINEAR), members);
    int out = members.iterator().next();
    for (int k = 0; k < 2_000; k++) {
      int owner = ring.owner(key(k), id -> true);
      int failover = ring.owner(key(k), id -> id != out);
      assertNotEquals(out, failover);
      if (owner != out) {
        assertEquals(owner, failover, "key " + k + " moved though its owner is up");
      }
    }
  }

  @Provide
  Arbitrary<HashFamily> families() {
    return Arbitraries.of(HashFamilies.all());
  }

  /**
   * A key's owner depends on the members alone, not on the order they are given in: members come in an order the ring
   * would place differently if it did not sort them (checked on {@link #placedInOrder}, what it would build then), and
   * every lookup of the ring built from that order, and from its reverse, is the lookup of the ring placed in
   * ascending ring-id order.
   */
  @Property(tries = 40)
  void aConsistentRingPlacesTheSameWhateverTheOrderOfItsMembers(@ForAll @Size(min = 2, max = 10) @UniqueElements
      List<@IntRange(min = 1, max = 40) Integer> given, @ForAll("families") HashFamily family,
      @ForAll("denseOrDefaultSlots") int slots) {
    RingSpec spec = new RingSpec(slots, 9, family, Probing.LINEAR);
    List<Integer> ascending = given.stream().sorted().toList();
    int[] inGivenOrder = placedInOrder(spec, given);
    int[] inAscendingOrder = placedInOrder(spec, ascending);
    Assume.that(IntStream.range(0, ORDER_KEYS).anyMatch(k -> ownerOn(inGivenOrder, spec.family().requestSlot(key(k), slots))
        != ownerOn(inAscendingOrder, spec.family().requestSlot(key(k), slots))));
    ConsistentHashRing fromGiven = ConsistentHashRing.build(spec, given);
    ConsistentHashRing fromReversed = ConsistentHashRing.build(spec, reversed(given));
    for (int k = 0; k < ORDER_KEYS; k++) {
      int expected = ownerOn(inAscendingOrder, spec.family().requestSlot(key(k), slots));
      assertEquals(expected, fromGiven.owner(key(k), id -> true), family.name() + ": key " + k + " of " + given);
      assertEquals(expected, fromReversed.owner(key(k), id -> true), family.name() + ": key " + k + " of reversed " + given);
    }
  }

  /** Like {@link #aConsistentRingPlacesTheSameWhateverTheOrderOfItsMembers}, for a Maglev table. */
  @Property(tries = 20)
  void aMaglevTableFillsTheSameWhateverTheOrderOfItsMembers(@ForAll @Size(min = 2, max = 10) @UniqueElements
      List<@IntRange(min = 1, max = 40) Integer> given, @ForAll("families") HashFamily family) {
    int size = 5003;
    int[] inGivenOrder = filledInOrder(family, size, given);
    int[] inAscendingOrder = filledInOrder(family, size, given.stream().sorted().toList());
    Assume.that(IntStream.range(0, ORDER_KEYS).anyMatch(k -> inGivenOrder[family.requestSlot(key(k), size)]
        != inAscendingOrder[family.requestSlot(key(k), size)]));
    MaglevTable fromGiven = MaglevTable.build(family, size, given);
    MaglevTable fromReversed = MaglevTable.build(family, size, reversed(given));
    for (int k = 0; k < ORDER_KEYS; k++) {
      int expected = inAscendingOrder[family.requestSlot(key(k), size)];
      assertEquals(expected, fromGiven.owner(key(k), id -> true), family.name() + ": key " + k + " of " + given);
      assertEquals(expected, fromReversed.owner(key(k), id -> true), family.name() + ": key " + k + " of reversed " + given);
    }
  }

  @Provide
  Arbitrary<Integer> denseOrDefaultSlots() {
    // 512 is the assignment's M; in 128 slots, virtual nodes of different members collide in nearly every set
    return Arbitraries.of(128, 512);
  }

  private static List<Integer> reversed(List<Integer> members) {
    List<Integer> reversed = new ArrayList<>(members);
    Collections.reverse(reversed);
    return reversed;
  }

  /**
   * The slot table a consistent ring would have if it placed virtual nodes in the order given, with linear probing
   * ({@link Ring#NONE} for a free slot): the ring places them as this does for the members in ascending order.
   */
  private static int[] placedInOrder(RingSpec spec, List<Integer> order) {
    int[] owners = new int[spec.slots()];
    Arrays.fill(owners, Ring.NONE);
    for (int id : order) {
      for (int j = 0; j < spec.vnodes(); j++) {
        int s = spec.family().virtualNodeSlot(id, j, spec.slots());
        while (owners[s] != Ring.NONE) {
          s = (s + 1) % owners.length;
        }
        owners[s] = id;
      }
    }
    return owners;
  }

  /** The owner of the first virtual node at or after {@code slot}, clockwise, on such a table. */
  private static int ownerOn(int[] owners, int slot) {
    for (int k = 0; k < owners.length; k++) {
      if (owners[(slot + k) % owners.length] != Ring.NONE) {
        return owners[(slot + k) % owners.length];
      }
    }
    return Ring.NONE;
  }

  /**
   * The entries a Maglev table would have if its members took turns in the order given (Maglev's population: each
   * takes the next free entry of its own permutation, {@code offset + n * skip}).
   */
  private static int[] filledInOrder(HashFamily family, int size, List<Integer> order) {
    int n = order.size();
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    for (int m = 0; m < n; m++) {
      offset[m] = family.virtualNodeSlot(order.get(m), 0, size);
      skip[m] = family.virtualNodeSlot(order.get(m), 1, size - 1) + 1L;
    }
    int[] entries = new int[size];
    Arrays.fill(entries, Ring.NONE);
    for (int filled = 0; filled < size; ) {
      for (int m = 0; m < n && filled < size; m++) {
        int c = (int) ((offset[m] + next[m] * skip[m]) % size);
        while (entries[c] != Ring.NONE) {
          c = (int) ((offset[m] + ++next[m] * skip[m]) % size);
        }
        entries[c] = order.get(m);
        next[m]++;
        filled++;
      }
    }
    return entries;
  }

  @Property(tries = 30)
  void boundedLoadsAlwaysFindRoomAndNeverPassTheBound(@ForAll @IntRange(min = 2, max = 8) int n,
      @ForAll("factors") double c, @ForAll @Size(min = 50, max = 400) List<@IntRange(min = 0, max = 999_999) Integer> keys) {
    List<Integer> ids = new ArrayList<>();
    for (int id = 1; id <= n; id++) {
      ids.add(id);
    }
    Ring ring = MaglevTable.build(MURMUR, 5003, ids);
    LoadBound bound = new LoadBound(c);
    List<Integer> inFlight = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      if (k % 3 == 2) {
        bound.finished(inFlight.remove(keys.get(k) % inFlight.size()));
        continue;
      }
      long cap = (long) Math.ceil(c * (bound.total() + 1) / n);
      int owner = ring.owner(keys.get(k), id -> true);
      int chosen = ring.owner(keys.get(k), id -> bound.admits(id, n));
      assertNotEquals(Ring.NONE, chosen, "with c >= 1 some member has room");
      assertTrue(bound.load(chosen) + 1 <= cap);
      if (bound.load(owner) + 1 <= cap) {
        assertEquals(owner, chosen, "a key stays with its owner while the owner has room");
      }
      bound.started(chosen);
      inFlight.add(chosen);
    }
  }

  @Property(tries = 30)
  void aRateBoundKeepsEveryMembersCountWithinTheBound(@ForAll @IntRange(min = 2, max = 8) int n,
      @ForAll("factors") double c, @ForAll @Size(min = 200, max = 3000) List<@IntRange(min = 100_000, max = 999_999) Integer> keys) {
    List<Integer> ids = new ArrayList<>();
    for (int id = 1; id <= n; id++) {
      ids.add(id);
    }
    Ring ring = MaglevTable.build(MURMUR, 5003, ids);
    long[] now = {0};
    LoadBound bound = new LoadBound(c, LoadBound.Measure.RATE, () -> now[0]);
    int[] counts = new int[n + 1];
    for (int k = 0; k < keys.size(); k++) {
      now[0] += 100_000;  // 0.1 ms apart: every request inside one window
      int chosen = ring.owner(keys.get(k), id -> bound.admits(id, n));
      bound.started(chosen);
      bound.finished(chosen);
      counts[chosen]++;
      int total = k + 1;
      int max = Arrays.stream(counts).max().getAsInt();
      assertTrue(max <= Math.ceil(c * total / n) + 1, "max " + max + " of " + total + " requests on " + n);
    }
  }

  @Property(tries = 10)
  void aRateBoundForgetsRequestsOlderThanItsWindow(@ForAll @IntRange(min = 2, max = 6) int n) {
    long[] now = {0};
    LoadBound bound = new LoadBound(1.1, LoadBound.Measure.RATE, () -> now[0]);
    for (int k = 0; k < 100; k++) {
      bound.started(1);
    }
    assertEquals(100, bound.load(1), 1e-9);
    now[0] += LoadBound.WINDOW_NANOS + LoadBound.WINDOW_NANOS / 2;
    assertEquals(50, bound.load(1), 1e-9, "half of the previous window still counts");
    now[0] += 2 * LoadBound.WINDOW_NANOS;
    assertEquals(0, bound.load(1), 1e-9);
    assertTrue(bound.admits(1, n));
    for (int k = 0; k < 10; k++) {
      bound.started(2);
    }
    bound.membersChanged();
    assertEquals(0, bound.load(2), 1e-9, "a change of members starts the window again");
  }

  @Provide
  Arbitrary<Double> factors() {
    return Arbitraries.of(1.0, 1.1, 1.25, 1.5, 2.0);
  }
}
