package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.BadRequestException;
import dev.lb.bus.NoSuchReplica;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Shaping;
import dev.lb.bus.Stamp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manager keeps each replica's weight and state ({@code PATCH /replicas/<name>}) in the recorded set: announced,
 * kept by a replacement and by a take-over; a replica in maintenance is not replaced while down; replicas added to a
 * running set, and replacements, are stamped to warm up.
 */
class ShapingTest {

  private final ManagerWorld world = new ManagerWorld();

  private static <T> T done(Future<T> future) {
    return ManagerWorld.done(future);
  }

  private ReplicaManager started() {
    ReplicaManager manager = world.manager(1, 3);
    done(manager.start());
    world.log.clear();
    return manager;
  }

  private static JsonObject change(String name, String json) {
    return ReplicaMessages.shapeRequest(name, new JsonObject(json));
  }

  private static Shaping shapingOf(JsonObject snapshot, String name) {
    return ReplicaMessages.replicaNamed(snapshot, name).shaping();
  }

  @Test
  void aWeightAndAStateAreRecordedAndAnnouncedAndAnUnchangedOneChangesNothing() {
    ReplicaManager manager = started();
    JsonObject after = done(manager.shape(change("Server 2", "{\"weight\": 2, \"state\": \"drain\"}")));
    assertEquals(new Shaping(2, Shaping.State.DRAIN, 0), shapingOf(after, "Server 2"));
    assertEquals(after, world.recorded, "recorded, so that a take-over keeps it");
    assertEquals(List.of("changed 1.4"), world.lines("changed"));
    assertEquals(2, world.recorded.getJsonArray("replicas").getJsonObject(1).getInteger("weight"));
    done(manager.shape(change("Server 2", "{\"weight\": 2}")));
    assertEquals(List.of("changed 1.4"), world.lines("changed"), "the same again is no change");
    done(manager.shape(change("Server 2", "{\"state\": \"ready\"}")));
    assertEquals(new Shaping(2, Shaping.State.READY, 0), shapingOf(manager.snapshot(), "Server 2"), "the weight stays");
  }

  @Test
  void badChangesAreRefusedAndChangeNothing() {
    ReplicaManager manager = started();
    JsonObject before = world.recorded;
    assertInstanceOf(NoSuchReplica.class, manager.shape(change("Server 9", "{\"weight\": 2}")).cause());
    for (String bad : List.of("{}", "{\"weight\": 0}", "{\"weight\": 257}", "{\"weight\": 1.5}", "{\"weight\": \"2\"}",
        "{\"state\": \"asleep\"}", "{\"state\": 1}", "{\"colour\": \"red\"}")) {
      Throwable err = manager.shape(change("Server 1", bad)).cause();
      assertInstanceOf(BadRequestException.class, err, bad);
      assertTrue(err.getMessage().startsWith("<Error> "), err.getMessage());
    }
    // the ring holds 10 weight units (replicas.max): 3 replicas, one of weight 9, would need 11
    Throwable tooHeavy = manager.shape(change("Server 1", "{\"weight\": 9}")).cause();
    assertInstanceOf(BadRequestException.class, tooHeavy);
    assertTrue(tooHeavy.getMessage().contains("11 weight units"), tooHeavy.getMessage());
    assertEquals(before, world.recorded);
    assertEquals(List.of(), world.lines("changed"));
    done(manager.shape(change("Server 1", "{\"weight\": 8}")));
    assertInstanceOf(BadRequestException.class, manager.add(new JsonObject().put("n", 1)).cause(),
        "an /add that would overfill the ring's weight units is refused too");
  }

  @Test
  void aReplacementKeepsItsPredecessorsWeightAndStateAndWarmsUpWhileTheFirstReplicasAreWarm() {
    ReplicaManager manager = started();
    assertTrue(ReplicaMessages.replicas(manager.snapshot()).stream().allMatch(r -> r.shaping().warmingFrom() == 0),
        "the replicas a set starts with start together: none warms up");
    done(manager.shape(change("Server 2", "{\"weight\": 3, \"state\": \"drain\"}")));
    long before = System.currentTimeMillis();
    manager.down("Server 2", "missed heartbeats", 1);
    ReplicaInfo successor = ReplicaMessages.replicas(manager.snapshot()).get(1);
    assertTrue(successor.name().startsWith("replica-"), successor.name());
    assertEquals(3, successor.shaping().weight());
    assertEquals(Shaping.State.DRAIN, successor.shaping().state());
    assertTrue(successor.shaping().warmingFrom() >= before, "it warms up from its start");
    JsonObject added = done(manager.add(new JsonObject().put("n", 1)));
    assertTrue(ReplicaMessages.replicaNamed(added, "Server 2").shaping().warmingFrom() >= before,
        "one added to a running set warms up");
  }

  @Test
  void aReplicaInMaintenanceIsNotReplacedWhileDownButIsOnceItLeavesMaintenanceStillDown() {
    ReplicaManager manager = started();
    done(manager.shape(change("Server 3", "{\"state\": \"maint\"}")));
    manager.down("Server 3", "missed heartbeats", 1);
    assertEquals(List.of(), world.lines("kill"), "in maintenance: left alone");
    assertEquals(List.of("lifecycle DOWN Server 3"), world.lines("lifecycle DOWN"));
    done(manager.shape(change("Server 3", "{\"state\": \"ready\"}")));
    assertEquals(List.of("kill Server 3"), world.lines("kill"), "out of maintenance and still down: replaced");
    assertTrue(ReplicaMessages.replicas(manager.snapshot()).get(2).name().startsWith("replica-"));
  }

  @Test
  void aReplicaThatAnsweredAgainInMaintenanceIsNotReplacedWhenItLeavesIt() {
    ReplicaManager manager = started();
    done(manager.shape(change("Server 3", "{\"state\": \"maint\"}")));
    manager.down("Server 3", "missed heartbeats", 1);
    manager.up("Server 3");
    done(manager.shape(change("Server 3", "{\"state\": \"ready\"}")));
    assertEquals(List.of(), world.lines("kill"));
    assertEquals("Server 3", ReplicaMessages.replicas(manager.snapshot()).get(2).name());
  }

  @Test
  void aTakeOverKeepsWhatAnOperatorSet() {
    ReplicaManager manager = started();
    done(manager.shape(change("Server 1", "{\"weight\": 2}")));
    done(manager.shape(change("Server 3", "{\"state\": \"maint\"}")));
    world.alive.addAll(List.of("Server 1", "Server 2", "Server 3"));
    ReplicaManager next = world.manager(2, 3);
    JsonObject taken = done(next.start());
    assertEquals(2, Stamp.of(taken).epoch());
    assertEquals(2, shapingOf(taken, "Server 1").weight());
    assertEquals(Shaping.State.MAINT, shapingOf(taken, "Server 3").state());
  }

  @Test
  void addMayGiveItsReplicasAWeight() {
    ReplicaManager manager = started();
    JsonObject added = done(manager.add(new JsonObject().put("n", 2).put("weight", 3)));
    assertEquals(List.of(1, 1, 1, 3, 3), ReplicaMessages.replicas(added).stream().map(r -> r.shaping().weight()).toList());
    Throwable tooMuch = manager.add(new JsonObject().put("n", 1).put("weight", 2)).cause();
    assertInstanceOf(BadRequestException.class, tooMuch, "3 + 6 + 2 units would pass the ring's 10");
    assertInstanceOf(BadRequestException.class, manager.add(new JsonObject().put("n", 1).put("weight", 0)).cause());
  }

  @Test
  void aReplicaPutInMaintenanceWhileItsReplacementWaitsIsLeftAlone() {
    ReplicaManager manager = started();
    world.failAllStarts = true;
    manager.down("Server 1", "missed heartbeats", 1);
    world.failAllStarts = false;
    done(manager.shape(change("Server 1", "{\"state\": \"maint\"}")));
    world.log.clear();
    world.runTimers();
    assertEquals(List.of(), world.lines("kill"), "the replacement that was due finds it in maintenance");
    done(manager.shape(change("Server 1", "{\"state\": \"ready\"}")));
    assertEquals(List.of("kill Server 1"), world.lines("kill"), "out of maintenance, still down: replaced now");
  }

  @Test
  void aRemovedReplicasMaintenanceIsForgottenWithIt() {
    ReplicaManager manager = started();
    done(manager.shape(change("Server 3", "{\"state\": \"maint\"}")));
    manager.down("Server 3", "missed heartbeats", 1);
    done(manager.remove(new JsonObject().put("n", 1).put("hostnames", new io.vertx.core.json.JsonArray().add("Server 3"))));
    done(manager.add(new JsonObject().put("n", 1)));
    assertEquals("Server 3", ReplicaMessages.replicas(manager.snapshot()).get(2).name(), "the name is used again");
    world.log.clear();
    done(manager.shape(change("Server 3", "{\"state\": \"maint\"}")));
    done(manager.shape(change("Server 3", "{\"state\": \"ready\"}")));
    assertEquals(List.of(), world.lines("kill"), "the new Server 3 never went down: nothing to replace");
  }
}
