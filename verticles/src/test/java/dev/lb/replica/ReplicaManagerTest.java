package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.BadRequestException;
import dev.lb.bus.Deposed;
import dev.lb.bus.NoQuorum;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manager's core against a scripted world: every rule of the replica set, in milliseconds. */
class ReplicaManagerTest {

  private final ManagerWorld world = new ManagerWorld();

  private static List<ReplicaInfo> replicas(JsonObject snapshot) {
    return ReplicaMessages.replicas(snapshot);
  }

  private static List<String> names(JsonObject snapshot) {
    return ManagerWorld.names(replicas(snapshot));
  }

  private static JsonObject body(String json) {
    return new JsonObject(json);
  }

  private static <T> T done(Future<T> future) {
    return ManagerWorld.done(future);
  }

  private static Throwable failure(Future<?> future) {
    assertTrue(future.failed(), "failed");
    return future.cause();
  }

  /** A first manager that started Server 1..3. */
  private ReplicaManager started() {
    ReplicaManager manager = world.manager(1, 3);
    done(manager.start());
    world.log.clear();
    return manager;
  }

  @Test
  void theFirstManagerStartsTheInitialReplicasAndRecordsThemOnce() {
    ReplicaManager manager = world.manager(1, 3);
    JsonObject snapshot = done(manager.start());
    assertEquals(List.of("Server 1", "Server 2", "Server 3"), names(snapshot));
    assertEquals(List.of(1, 2, 3), replicas(snapshot).stream().map(ReplicaInfo::ringId).toList());
    assertEquals(snapshot, world.recorded);
    assertEquals(List.of("changed 1.3"), world.lines("changed"));
  }

  @Test
  void aTakeOverAdoptsWhatAnswersInTheRecordedOrderAndReplacesTheRestOnItsRingId() {
    started();
    JsonObject before = world.recorded;
    world.alive.addAll(List.of("Server 1", "Server 3"));
    world.log.clear();
    ReplicaManager next = world.manager(2, 3);
    done(next.start());
    assertEquals(List.of("lifecycle ADOPTED Server 1", "lifecycle ADOPTED Server 3"), world.lines("lifecycle ADOPTED"));
    assertEquals(List.of("announce down Server 2"), world.lines("announce"));
    assertEquals(List.of("kill Server 2"), world.lines("kill"), "only the lost one is killed");
    List<ReplicaInfo> now = replicas(next.snapshot());
    assertEquals(List.of("Server 1", "Server 3"), ManagerWorld.names(List.of(now.get(0), now.get(2))));
    assertTrue(now.get(1).name().startsWith("replica-"), "a random name: " + now.get(1).name());
    assertEquals(2, now.get(1).ringId(), "on the lost one's ring id");
    assertEquals(replicas(before).get(0), now.get(0), "adopted as recorded");
    assertEquals(2, Stamp.of(world.recorded).epoch());
  }

  @Test
  void aTakeOverStopsRunningReplicasTheRecordDoesNotListAndKeepsThemWithoutARecord() {
    started();
    world.alive.addAll(List.of("Server 1", "Server 2", "Server 3"));
    Replica stray = new Replica("replica-0f0f0f", 2, "127.0.0.1", 9999, "c0ffee");
    world.strays.add(stray);
    world.log.clear();
    ReplicaManager next = world.manager(2, 3);
    done(next.start());
    assertEquals(List.of("Server 1", "Server 2", "Server 3"), names(next.snapshot()));
    assertEquals(List.of("stop replica-0f0f0f"), world.lines("stop"), "the cut-off side's replica goes");

    ManagerWorld fresh = new ManagerWorld();
    fresh.strays.add(stray);
    ReplicaManager first = fresh.manager(1, 3);
    done(first.start());
    assertEquals(List.of("replica-0f0f0f", "Server 1", "Server 2"), names(first.snapshot()),
        "no record (a restart): what runs is kept, and the set filled up to N");
    assertEquals(List.of(), fresh.lines("stop"));
  }

  @Test
  void aFailedAddStopsWhatItStartedAndChangesNothing() {
    ReplicaManager manager = started();
    JsonObject before = manager.snapshot();
    world.failingStarts.add("S9");
    Throwable err = failure(manager.add(body("{\"n\": 2, \"hostnames\": [\"S8\", \"S9\"]}")));
    assertTrue(err.getMessage().contains("Could not start replicas"), err.getMessage());
    assertEquals(List.of("stop S8"), world.lines("stop"));
    assertEquals(before, manager.snapshot());
    assertEquals(List.of(), world.lines("changed"));
  }

  @Test
  void removedReplicasStopOnlyOnceTheBalancersHaveDrainedThem() {
    ReplicaManager manager = started();
    world.drain = Promise.promise();
    Future<JsonObject> removed = manager.remove(body("{\"n\": 1, \"hostnames\": [\"Server 2\"]}"));
    assertEquals(List.of("changed 1.4", "drain [Server 2]"), world.log, "out of the set first, then drained");
    assertFalse(removed.isComplete());
    world.drain.complete();
    assertEquals(List.of("Server 1", "Server 3"), names(done(removed)));
    assertEquals(List.of("stop Server 2"), world.lines("stop"));
  }

  @Test
  void aReplicaAnnouncedDownTwiceIsReplacedOnceAndAnOlderEpochsWordIsIgnored() {
    ReplicaManager manager = started();
    manager.down("Server 2", "missed heartbeats", 0);
    assertEquals(List.of(), world.lines("kill"), "an event of no epoch (or an older one) changes nothing");
    manager.down("Server 2", "missed heartbeats", 1);
    manager.down("Server 2", "its process exited", 1);
    assertEquals(List.of("kill Server 2"), world.lines("kill"));
    assertEquals(1, world.lines("lifecycle REPLACED").size());
    assertEquals(2, replicas(manager.snapshot()).get(1).ringId());
  }

  @Test
  void aFailedReplacementIsTriedAgainWithBackOff() {
    ReplicaManager manager = started();
    world.failAllStarts = true;
    manager.down("Server 1", "missed heartbeats", 1);
    world.runTimers();
    world.runTimers();
    assertEquals(List.of(500L, 1000L, 2000L), world.delays);
    assertTrue(names(manager.snapshot()).contains("Server 1"), "still in the set, out of routing");
    world.failAllStarts = false;
    world.runTimers();
    assertFalse(names(manager.snapshot()).contains("Server 1"), "replaced at last: " + names(manager.snapshot()));
    world.runTimers();
    assertEquals(3, world.delays.size(), "no more tries once it worked");
  }

  @Test
  void withoutAQuorumNothingChangesAndHeldReplacementsGoOnWhenItIsBack() {
    ReplicaManager manager = started();
    JsonObject before = manager.snapshot();
    world.quorum = false;
    assertFalse(manager.acting());
    assertInstanceOf(NoQuorum.class, failure(manager.add(body("{\"n\": 1}"))));
    assertInstanceOf(NoQuorum.class, failure(manager.remove(body("{\"n\": 1}"))));
    manager.suspend();
    manager.down("Server 3", "missed heartbeats", 1);
    world.runTimers();
    world.runTimers();
    assertEquals(List.of(), world.lines("kill"), "nothing killed without a quorum");
    assertEquals(List.of(), world.lines("start"));
    assertEquals(before, manager.snapshot());
    assertInstanceOf(BadRequestException.class, failure(manager.add(body("{\"n\": 0}"))), "bad input is still 400");
    assertEquals(List.of(500L, 1000L, 2000L), world.delays, "the held replacement is tried again, every 2 s at most");

    world.quorum = true;
    assertFalse(manager.acting(), "cut off until it resumes");
    world.runTimers();
    assertEquals(List.of("kill Server 3"), world.lines("kill"), "the next try, once the quorum is back");
    assertFalse(names(manager.snapshot()).contains("Server 3"));
    manager.resume();
    assertTrue(manager.acting());
  }

  @Test
  void aManagerANewerOneReplacedStepsDownAtItsNextActionAndTouchesNothing() {
    ReplicaManager manager = started();
    world.newerEpoch = 2;
    assertInstanceOf(Deposed.class, failure(manager.add(body("{\"n\": 1}"))));
    assertTrue(world.steppedDown);
    manager.down("Server 1", "missed heartbeats", 1);
    assertEquals(List.of("release"), world.lines("release"), "its replicas are left to the newer manager");
    assertEquals(List.of(), world.lines("kill"));
    assertEquals(List.of(), world.lines("start"));
    assertFalse(manager.acting());
  }

  @Test
  void aReplacementThatFindsANewerManagerKillsNothing() {
    ReplicaManager manager = started();
    world.newerEpoch = 2;
    manager.down("Server 1", "missed heartbeats", 1);
    assertTrue(world.steppedDown);
    assertEquals(List.of(), world.lines("kill"));
    assertEquals(List.of(), world.lines("start"));
    assertEquals(List.of(), world.delays, "not tried again");
  }

  @Test
  void aNewerRecordedSetMakesTheManagerStepDownWhenItRecords() {
    ReplicaManager manager = started();
    world.recorded = world.recorded.copy().put("epoch", 5L);
    Throwable err = failure(manager.add(body("{\"n\": 1, \"hostnames\": [\"S4\"]}")));
    assertInstanceOf(Deposed.class, err);
    assertTrue(world.steppedDown);
  }

  @Test
  void aSnapshotOfANewerEpochOrOfTheSameEpochByAnotherManagerDeposesIt() {
    ReplicaManager manager = started();
    manager.heard(manager.snapshot());
    assertFalse(world.steppedDown, "its own snapshot");
    manager.heard(manager.snapshot().copy().put("manager", "node-other"));
    assertTrue(world.steppedDown, "the same epoch by another manager: two halves met again");

    ManagerWorld other = new ManagerWorld();
    ReplicaManager second = other.manager(3, 1);
    done(second.start());
    second.heard(ReplicaMessages.snapshot(new Stamp(4, 0), "node-4", List.of()));
    assertTrue(other.steppedDown);
  }

  @Test
  void stoppingStopsTheReplicasOnlyIfTheManagerMayStillAct() {
    ReplicaManager manager = started();
    done(manager.stop());
    assertEquals(List.of("close"), world.lines("close"));
    assertEquals(3, world.lines("lifecycle REMOVED").size());
    assertEquals(List.of(), world.lines("release"));

    ManagerWorld cutOff = new ManagerWorld();
    ReplicaManager alone = cutOff.manager(1, 2);
    done(alone.start());
    cutOff.quorum = false;
    done(alone.stop());
    assertEquals(List.of("release", "close"), cutOff.log.subList(cutOff.log.size() - 2, cutOff.log.size()),
        "without a quorum its replicas are handed over, not stopped");
  }
}
