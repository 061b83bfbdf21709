package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Shaping;
import dev.lb.bus.Stamp;
import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.HashFamilies;
import dev.lb.ring.LoadBound;
import dev.lb.ring.Probing;
import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A balancer instance's routing state, in plain Java: snapshots by stamp, down and up by epoch, ejections, reports. */
class RoutingTableTest {

  private static final RingSpec SPEC = new RingSpec(512, 9, HashFamilies.named("murmur3"), Probing.LINEAR);
  private final List<String> reports = new ArrayList<>();
  private final RoutingTable table = new RoutingTable(ids -> ConsistentHashRing.build(SPEC, ids), new LoadBound(0),
      new RoutingTable.Reports() {
        @Override
        public void failed(ReplicaInfo replica, boolean certain) {
          reports.add("failed " + replica.name() + (certain ? " certain" : ""));
        }

        @Override
        public void succeeded(ReplicaInfo replica) {
          reports.add("succeeded " + replica.name());
        }
      }, new InFlight());

  private static ReplicaInfo replica(int id) {
    return new ReplicaInfo("S" + id, id, "127.0.0.1", 9000 + id, "pid-" + id);
  }

  private static JsonObject snapshot(long epoch, long version, int... ids) {
    List<ReplicaInfo> list = new ArrayList<>();
    for (int id : ids) {
      list.add(replica(id));
    }
    return ReplicaMessages.snapshot(new Stamp(epoch, version), "m", list);
  }

  private static JsonObject event(String name, long epoch) {
    return ReplicaMessages.replicaEvent(name, "test", epoch);
  }

  /** The replicas the first 200 keys reach. */
  private Set<String> reached() {
    Set<String> names = new HashSet<>();
    for (long key = 0; key < 200; key++) {
      ReplicaInfo r = table.pick(key * 7919);
      names.add(r == null ? "none" : r.name());
    }
    return names;
  }

  @Test
  void onlyANewerSnapshotIsApplied() {
    assertTrue(table.apply(snapshot(2, 5, 1, 2, 3)));
    assertFalse(table.apply(snapshot(2, 5, 1)), "the same stamp");
    assertFalse(table.apply(snapshot(1, 9, 1)), "an older epoch, whatever its version");
    assertEquals(Set.of("S1", "S2", "S3"), reached());
    assertTrue(table.apply(snapshot(3, 0, 1)), "a newer epoch, whatever its version");
    assertEquals(Set.of("S1"), reached());
  }

  @Test
  void downAndUpOfAnOlderEpochAreIgnoredAndADownReplicaIsRoutedAround() {
    table.apply(snapshot(2, 1, 1, 2, 3));
    assertFalse(table.down(event("S2", 1)), "an older manager's word");
    assertTrue(table.down(event("S2", 2)));
    assertEquals(Set.of("S1", "S3"), reached());
    assertFalse(table.up(event("S2", 1)));
    assertTrue(table.up(event("S2", 2)));
    assertEquals(Set.of("S1", "S2", "S3"), reached());
    assertFalse(table.down(event("S9", 2)), "not a member");
  }

  @Test
  void aReplicaThatRefusedIsOutAtOnceAndEveryFailureIsReported() {
    table.apply(snapshot(1, 1, 1, 2));
    assertTrue(table.failed(replica(1), true), "refused: out of routing here, the heartbeat should probe it");
    assertFalse(table.failed(replica(2), false), "a timeout or 5xx: counted by the outlier detector only");
    assertEquals(List.of("failed S1 certain", "failed S2"), reports);
    assertEquals(Set.of("S2"), reached());
  }

  @Test
  void successesAreReportedOnlyForAWatchedReplica() {
    table.apply(snapshot(1, 1, 1, 2));
    table.succeeded(replica(1));
    assertEquals(List.of(), reports, "the hot path says nothing of a replica nobody watches");
    table.watch("S1", true);
    table.succeeded(replica(1));
    table.succeeded(replica(2));
    table.watch("S1", false);
    table.succeeded(replica(1));
    assertEquals(List.of("succeeded S1"), reports);
  }

  @Test
  void anEjectedReplicaIsHeldOutUntilItsTimeAndAllEjectedMeansPanicRouting() {
    table.apply(snapshot(1, 1, 1, 2));
    table.ejected("S1", System.nanoTime() + 60_000_000_000L);
    assertEquals(Set.of("S2"), reached());
    table.ejected("S2", System.nanoTime() + 60_000_000_000L);
    assertEquals(Set.of("S1", "S2"), reached(), "every replica held out: better one of them than no answer");
    table.ejected("S1", System.nanoTime() - 1);
    assertEquals(Set.of("S1"), reached(), "a hold that has ended");
  }

  @Test
  void aPickCanSkipReplicasAlreadyTriedAndNothingLeftIsNoReplica() {
    table.apply(snapshot(1, 1, 1, 2));
    ReplicaInfo first = table.pick(42);
    ReplicaInfo next = table.pick(42, id -> id != first.ringId());
    assertNotEquals(first.name(), next.name());
    assertNull(table.pick(42, id -> false));
    table.apply(snapshot(1, 2));
    assertNull(table.pick(42), "an empty set");
  }

  // ---- shaping: weights, drain and maintenance, slow start -----------------------------------------------------------

  private static JsonObject shaped(long version, java.util.Map<Integer, Shaping> shapings, int... ids) {
    List<ReplicaInfo> list = new ArrayList<>();
    for (int id : ids) {
      ReplicaInfo r = replica(id);
      list.add(new ReplicaInfo(r.name(), r.ringId(), r.host(), r.port(), r.instance(), r.healthPort(),
          shapings.getOrDefault(id, Shaping.DEFAULT)));
    }
    return ReplicaMessages.snapshot(new Stamp(1, version), "m", list);
  }

  /** Owner of each of 10,000 keys. */
  private static String[] owners(RoutingTable t) {
    String[] owners = new String[10_000];
    for (int k = 0; k < owners.length; k++) {
      ReplicaInfo r = t.pick(k * 7919L);
      owners[k] = r == null ? null : r.name();
    }
    return owners;
  }

  @Test
  void aDrainedReplicasKeysGoToTheirNextOwnersAndTheSameKeysComeBackWhenReady() {
    List<Set<String>> outOfRouting = new ArrayList<>();
    table.onOutOfRouting(outOfRouting::add);
    table.apply(snapshot(1, 1, 1, 2, 3));
    String[] before = owners(table);
    table.apply(shaped(2, java.util.Map.of(2, Shaping.DEFAULT.withState(Shaping.State.DRAIN)), 1, 2, 3));
    assertEquals(List.of(Set.of("S2")), outOfRouting, "those who wait for it are told to go elsewhere");
    String[] draining = owners(table);
    for (int k = 0; k < before.length; k++) {
      if (before[k].equals("S2")) {
        assertNotEquals("S2", draining[k]);
      } else {
        assertEquals(before[k], draining[k], "keys of the others stay put");
      }
    }
    table.apply(shaped(3, java.util.Map.of(2, Shaping.DEFAULT.withState(Shaping.State.MAINT)), 1, 2, 3));
    assertTrue(java.util.Arrays.stream(owners(table)).noneMatch("S2"::equals), "maint is out of routing too");
    table.apply(snapshot(1, 4, 1, 2, 3));
    assertEquals(List.of(before), List.of(owners(table)), "ready gives back exactly the keys it had");
  }

  @Test
  void aHeavierReplicaOwnsMoreKeysOnceItsWeightIsPublished() {
    table.apply(snapshot(1, 1, 1, 2, 3));
    long before = java.util.Arrays.stream(owners(table)).filter("S3"::equals).count();
    table.apply(shaped(2, java.util.Map.of(3, Shaping.DEFAULT.withWeight(3)), 1, 2, 3));
    long after = java.util.Arrays.stream(owners(table)).filter("S3"::equals).count();
    assertTrue(after > before * 3 / 2, before + " keys before, " + after + " with weight 3");
  }

  @Test
  void aWarmingReplicaTakesItsRampOfItsKeysAndKeepsThoseItTook() {
    long[] wall = {1_000_000};
    RoutingTable slow = new RoutingTable(ids -> ConsistentHashRing.build(SPEC, ids), new LoadBound(0), NO_REPORTS,
        new InFlight(), 20_000, () -> wall[0]);
    slow.apply(snapshot(1, 1, 1, 2, 3));
    String[] warm = owners(slow);
    long full = java.util.Arrays.stream(warm).filter("S2"::equals).count();
    // S2 replaced: its successor (same ring id) started now and warms up over 20 s
    slow.apply(shaped(2, java.util.Map.of(2, Shaping.DEFAULT.warmingFrom(wall[0])), 1, 2, 3));
    Set<Integer> taken = new HashSet<>();
    for (int quarter = 0; quarter <= 4; quarter++) {
      wall[0] = 1_000_000 + quarter * 5_000L;
      String[] now = owners(slow);
      Set<Integer> mine = new HashSet<>();
      for (int k = 0; k < now.length; k++) {
        if ("S2".equals(now[k])) {
          mine.add(k);
          assertEquals("S2", warm[k], "a warming replica takes only keys it owns");
        } else if (!"S2".equals(warm[k])) {
          assertEquals(warm[k], now[k], "keys of the others stay put");
        }
      }
      double expected = SlowStart.FLOOR + (1 - SlowStart.FLOOR) * quarter / 4.0;
      assertEquals(expected, mine.size() / (double) full, 0.05, "share of its keys at quarter " + quarter);
      assertTrue(mine.containsAll(taken), "keys it took stay with it as it ramps");
      taken = mine;
    }
    assertEquals(full, taken.size(), "after the window it has all its keys");
  }

  private static final RoutingTable.Reports NO_REPORTS = new RoutingTable.Reports() {
    @Override
    public void failed(ReplicaInfo replica, boolean certain) { }

    @Override
    public void succeeded(ReplicaInfo replica) { }
  };
}
