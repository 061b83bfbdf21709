package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.BadRequestException;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaSetTest {

  private ReplicaSet set;

  private static Replica replica(String name, int ringId) {
    return new Replica(name, ringId, "127.0.0.1", 1000 + ringId, "pid-" + ringId);
  }

  @BeforeEach
  void threeServers() {
    set = new ReplicaSet(new Random(7));
    set.planAdd(new ScaleRequest(3, List.of()), 10).forEach(s -> set.add(replica(s.name(), s.ringId())));
  }

  private List<String> names() {
    return set.all().stream().map(Replica::name).toList();
  }

  @Test
  void initialNamesAreServerOneToN() {
    assertEquals(List.of("Server 1", "Server 2", "Server 3"), names());
    assertEquals(List.of(1, 2, 3), set.all().stream().map(Replica::ringId).toList());
  }

  @Test
  void addUsesGivenNamesFirstThenGeneratedOnesAndTheLowestFreeRingIds() {
    set.remove(set.get("Server 2"));
    List<ReplicaSet.Slot> plan = set.planAdd(new ScaleRequest(3, List.of("S5")), 10);
    assertEquals(List.of(new ReplicaSet.Slot("S5", 2), new ReplicaSet.Slot("Server 2", 4),
        new ReplicaSet.Slot("Server 4", 5)), plan);
  }

  @Test
  void addRefusesExistingNamesAndGoingOverTheMaximum() {
    assertTrue(assertThrows(BadRequestException.class,
        () -> set.planAdd(new ScaleRequest(1, List.of("Server 2")), 10)).getMessage().contains("already exists"));
    assertTrue(assertThrows(BadRequestException.class,
        () -> set.planAdd(new ScaleRequest(8, List.of()), 10)).getMessage().contains("maximum is 10"));
  }

  @Test
  void removeTakesTheNamedOnesThenOthers() {
    List<Replica> chosen = set.planRemove(new ScaleRequest(2, List.of("Server 3")));
    assertEquals("Server 3", chosen.get(0).name());
    assertEquals(2, chosen.stream().map(Replica::name).distinct().count());
    assertEquals(3, set.size(), "planning changes nothing");
  }

  @Test
  void removeRefusesUnknownNamesAndTooMany() {
    assertTrue(assertThrows(BadRequestException.class,
        () -> set.planRemove(new ScaleRequest(1, List.of("S9")))).getMessage().contains("'S9' does not exist"));
    assertTrue(assertThrows(BadRequestException.class,
        () -> set.planRemove(new ScaleRequest(4, List.of()))).getMessage().contains("only 3 exist"));
  }

  @Test
  void replacementKeepsThePlaceAndRingIdAndTheSnapshotVersionGrows() {
    Stamp before = Stamp.of(set.snapshot(1, "local"));
    String fresh = set.randomName();
    assertTrue(fresh.matches("replica-[0-9a-f]{6}"), fresh);
    set.replace(set.get("Server 2"), replica(fresh, 2));
    assertEquals(List.of("Server 1", fresh, "Server 3"), names());
    List<ReplicaInfo> published = ReplicaMessages.replicas(set.snapshot(1, "local"));
    assertEquals(2, published.get(1).ringId());
    assertTrue(Stamp.of(set.snapshot(1, "local")).newerThan(before));
  }
}
