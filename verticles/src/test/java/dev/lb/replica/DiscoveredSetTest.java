package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.Failures;
import dev.lb.bus.NotManaged;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manager of replicas someone else runs, against a scripted listing: the set follows it, each replica keeps its
 * ring id while listed, a failed look-up keeps the last set, nothing is started, stopped or replaced, and {@code /add}
 * and {@code /rm} are refused. In milliseconds.
 */
class DiscoveredSetTest {

  private final ManagerWorld world = new ManagerWorld();

  private static <T> T done(Future<T> future) {
    return ManagerWorld.done(future);
  }

  /** Name to ring id, in the set's order. */
  private static Map<String, Integer> ids(JsonObject snapshot) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    ReplicaMessages.replicas(snapshot).forEach(r -> ids.put(r.name(), r.ringId()));
    return ids;
  }

  /** A manager of {@code epoch} that follows the scripted listing and has heard {@code first}. */
  private ReplicaManager following(long epoch, String... first) {
    if (world.discovery == null) {
      world.discovery = world.new ScriptedDiscovery();
    }
    ReplicaManager manager = world.manager(epoch, 3);
    Future<JsonObject> started = manager.start();
    assertFalse(started.isComplete(), "the start waits for the first look-up");
    world.discovery.list(first);
    done(started);
    return manager;
  }

  @Test
  void theFirstListingJoinsAtOnceInOrderAndNothingIsStarted() {
    ReplicaManager manager = following(1, "10.0.0.2:5000", "10.0.0.1:5000", "10.0.0.3:5000");
    assertEquals(Map.of("10.0.0.2:5000", 1, "10.0.0.1:5000", 2, "10.0.0.3:5000", 3), ids(manager.snapshot()));
    assertEquals(List.of("10.0.0.2:5000", "10.0.0.1:5000", "10.0.0.3:5000"), List.copyOf(ids(manager.snapshot()).keySet()));
    ReplicaInfo first = ReplicaMessages.replicas(manager.snapshot()).get(0);
    assertEquals("10.0.0.2", first.host());
    assertEquals(5000, first.port());
    assertEquals(List.of(), world.lines("start"), "LB_REPLICAS starts nothing");
    assertEquals(3, world.lines("lifecycle ADOPTED").size());
    List<String> changes = world.lines("changed");
    assertEquals("changed 1.3", changes.get(changes.size() - 1), "recorded and announced at once, all three");
    assertEquals(world.recorded, manager.snapshot());
  }

  @Test
  void theFirstListingStartsWarmAndOneListedLaterWarmsUp() {
    ReplicaManager manager = following(1, "10.0.0.1:5000", "10.0.0.2:5000", "10.0.0.3:5000");
    assertTrue(ReplicaMessages.replicas(manager.snapshot()).stream().allMatch(r -> r.shaping().warmingFrom() == 0),
        "the set's first replicas start together: " + manager.snapshot().encode());
    world.discovery.list("10.0.0.1:5000", "10.0.0.2:5000", "10.0.0.3:5000", "10.0.0.4:5000");
    world.discovery.readiness.get("10.0.0.4:5000").complete();
    ReplicaInfo joined = ReplicaMessages.replicaNamed(manager.snapshot(), "10.0.0.4:5000");
    assertTrue(joined != null && joined.shaping().warmingFrom() > 0, "one that joins a serving set warms up");
  }

  @Test
  void aReplicaListedLaterJoinsOnceItAnswersOnTheSmallestFreeRingIdAndTheOthersKeepTheirs() {
    ReplicaManager manager = following(1, "10.0.0.1:5000", "10.0.0.2:5000", "10.0.0.3:5000");
    world.log.clear();
    world.discovery.list("10.0.0.1:5000", "10.0.0.3:5000", "10.0.0.4:5000");
    assertEquals(Map.of("10.0.0.1:5000", 1, "10.0.0.3:5000", 3), ids(manager.snapshot()), "2 left; 4 not ready yet");
    assertEquals(List.of("drain [10.0.0.2:5000]"), world.lines("drain"));
    assertEquals(List.of("lifecycle REMOVED 10.0.0.2:5000"), world.lines("lifecycle REMOVED"));
    assertEquals(List.of("ready? 10.0.0.4:5000"), world.lines("ready?"));
    world.discovery.list("10.0.0.1:5000", "10.0.0.3:5000", "10.0.0.4:5000");
    assertEquals(1, world.lines("ready?").size(), "one wait per replica, however often it is listed");
    world.discovery.readiness.get("10.0.0.4:5000").complete();
    assertEquals(Map.of("10.0.0.1:5000", 1, "10.0.0.3:5000", 3, "10.0.0.4:5000", 2), ids(manager.snapshot()));
    assertEquals(List.of("lifecycle STARTED 10.0.0.4:5000"), world.lines("lifecycle STARTED"));
    assertEquals(List.of(), world.lines("stop"), "nothing is stopped");
    world.discovery.list("10.0.0.4:5000", "10.0.0.3:5000", "10.0.0.1:5000");
    assertEquals(Map.of("10.0.0.1:5000", 1, "10.0.0.3:5000", 3, "10.0.0.4:5000", 2), ids(manager.snapshot()),
        "another order of the same replicas changes nothing");
    assertEquals(2, world.lines("changed").size(), "one change for the leaving, one for the joining");
  }

  @Test
  void aReplicaThatNeverAnswersJoinsAfterItsWaitAndOneNoLongerListedNeverJoins() {
    ReplicaManager manager = following(1, "10.0.0.1:5000");
    world.discovery.list("10.0.0.1:5000", "10.0.0.5:5000", "10.0.0.6:5000");
    world.discovery.list("10.0.0.1:5000", "10.0.0.5:5000");
    world.discovery.readiness.get("10.0.0.6:5000").complete();
    world.discovery.readiness.get("10.0.0.5:5000").fail("did not answer /heartbeat within 30000 ms");
    assertEquals(Map.of("10.0.0.1:5000", 1, "10.0.0.5:5000", 2), ids(manager.snapshot()),
        "5 joins anyway (the heartbeat takes it out); 6 was no longer listed when it answered");
  }

  @Test
  void aLookUpThatFailsKeepsTheLastSetAndSaysSoUntilOneWorks() {
    ReplicaManager manager = following(1, "10.0.0.1:5000", "10.0.0.2:5000");
    JsonObject before = manager.snapshot();
    world.log.clear();
    world.discovery.listener.failed("'replica' does not resolve (NXDOMAIN)");
    assertEquals(before, manager.snapshot());
    assertEquals(List.of(), world.lines("changed"));
    JsonObject state = manager.discoveryState();
    assertEquals("failing", state.getString("looking"));
    assertEquals("'replica' does not resolve (NXDOMAIN)", state.getString("error"));
    assertEquals(2, state.getInteger("listed"));
    assertTrue(state.getLong("failingSince") > 0);
    world.discovery.list("10.0.0.1:5000", "10.0.0.2:5000");
    assertEquals("ok", manager.discoveryState().getString("looking"));
    assertNull(manager.discoveryState().getString("error"));
    assertEquals(before, manager.snapshot());
  }

  @Test
  void aFirstLookUpThatFailsStartsWithNoneAndTheFirstListingThatWorksJoinsAtOnce() {
    world.discovery = world.new ScriptedDiscovery();
    ReplicaManager manager = world.manager(1, 3);
    Future<JsonObject> started = manager.start();
    world.discovery.listener.failed("'replica' does not resolve (NXDOMAIN)");
    assertEquals(Map.of(), ids(done(started)));
    world.discovery.list("10.0.0.1:5000", "10.0.0.2:5000");
    assertEquals(Map.of("10.0.0.1:5000", 1, "10.0.0.2:5000", 2), ids(manager.snapshot()));
    assertEquals(List.of(), world.lines("ready?"));
  }

  @Test
  void addAndRmAreRefusedWith405AndChangeNothing() {
    ReplicaManager manager = following(1, "10.0.0.1:5000", "10.0.0.2:5000");
    JsonObject before = manager.snapshot();
    world.log.clear();
    for (Future<JsonObject> refused : List.of(manager.add(new JsonObject("{\"n\": 1}")),
        manager.remove(new JsonObject("{\"n\": 1, \"hostnames\": [\"10.0.0.1:5000\"]}")))) {
      assertTrue(refused.failed());
      assertInstanceOf(NotManaged.class, refused.cause());
      assertEquals(405, Failures.codeFor(refused.cause()));
      assertTrue(refused.cause().getMessage().startsWith("<Error> Replicas are managed by the orchestrator (scripted list)"),
          refused.cause().getMessage());
    }
    assertEquals(before, manager.snapshot());
    assertEquals(List.of(), world.log);
  }

  @Test
  void aReplicaFoundDownIsToldButNeitherKilledNorReplacedAndStaysListed() {
    ReplicaManager manager = following(1, "10.0.0.1:5000", "10.0.0.2:5000");
    world.log.clear();
    manager.down("10.0.0.2:5000", "missed 3 heartbeats in a row", 1);
    world.runTimers();
    assertEquals(List.of("lifecycle DOWN 10.0.0.2:5000"), world.log);
    assertEquals(Map.of("10.0.0.1:5000", 1, "10.0.0.2:5000", 2), ids(manager.snapshot()));
  }

  @Test
  void aTakeOverKeepsTheRecordedRingIdsOfTheReplicasStillListed() {
    following(1, "10.0.0.1:5000", "10.0.0.2:5000", "10.0.0.3:5000");
    world.log.clear();
    ReplicaManager next = following(2, "10.0.0.3:5000", "10.0.0.9:5000", "10.0.0.1:5000");
    assertEquals(Map.of("10.0.0.1:5000", 1, "10.0.0.3:5000", 3, "10.0.0.9:5000", 2), ids(next.snapshot()));
    assertEquals(List.of(), world.lines("kill"));
    assertEquals(List.of(), world.lines("announce"), "nothing recorded is lost: the listing says who stays");
    assertEquals("node-2", ReplicaMessages.manager(world.recorded));
  }

  @Test
  void aListingHeardWithoutQuorumChangesNothingUntilTheManagerResumes() {
    ReplicaManager manager = following(1, "10.0.0.1:5000");
    world.quorum = false;
    manager.suspend();
    world.discovery.list("10.0.0.2:5000");
    world.discovery.readiness.get("10.0.0.2:5000").complete();
    assertEquals(Map.of("10.0.0.1:5000", 1), ids(manager.snapshot()));
    world.quorum = true;
    manager.resume();
    assertEquals(List.of("10.0.0.2:5000"), List.copyOf(ids(manager.snapshot()).keySet()));
  }

  @Test
  void stoppingLeavesTheReplicasRunningAndStopsListing() {
    ReplicaManager manager = following(1, "10.0.0.1:5000", "10.0.0.2:5000");
    world.log.clear();
    done(manager.stop());
    assertEquals(List.of("close"), world.log, "nothing stopped, nothing told removed");
    assertTrue(world.discovery.stopped);
  }

  @Test
  void aListingBeyondTheMaximumLeavesTheRestOut() {
    String[] many = new String[12];
    for (int k = 0; k < many.length; k++) {
      many[k] = "10.0.1." + (k + 1) + ":5000";
    }
    ReplicaManager manager = following(1, many);
    assertEquals(10, ids(manager.snapshot()).size(), "replicas.max of the scripted world");
  }
}
