package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
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
}
