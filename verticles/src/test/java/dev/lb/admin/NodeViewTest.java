package dev.lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Shaping;
import dev.lb.bus.Stamp;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's view of the set: each replica's state from the bus's events, in the words the page reads, and which
 * replicas it counts as routable, by the balancer's rule.
 */
class NodeViewTest {

  private static final long EPOCH = 2;

  private NodeView view;

  private static JsonObject snapshot(long epoch, long version, String... names) {
    List<ReplicaInfo> replicas = Arrays.stream(names)
        .map(name -> new ReplicaInfo(name, Integer.parseInt(name.substring(1)), "127.0.0.1", 40_000, "i-" + name))
        .toList();
    return ReplicaMessages.snapshot(new Stamp(epoch, version), "manager", replicas);
  }

  private static JsonObject event(String name, long epoch) {
    return ReplicaMessages.replicaEvent(name, "test", epoch);
  }

  private static JsonObject lifecycle(Lifecycle.Event what, String name, int ringId) {
    return new JsonObject().put(Lifecycle.EVENT, what.name().toLowerCase(java.util.Locale.ROOT))
        .put(ReplicaMessages.REPLICA, name).put(Lifecycle.RING_ID, ringId).put(Lifecycle.TIME, System.currentTimeMillis());
  }

  /** The node's outlier detector holds {@code name} out until {@code untilNanos} ({@link System#nanoTime()}). */
  private static JsonObject ejected(String name, long untilNanos) {
    return ReplicaMessages.outlierEjected(name, untilNanos, 60_000);
  }

  private static long inAMinute() {
    return System.nanoTime() + 60_000_000_000L;
  }

  /** The state word of each card of {@code /api/state}, by name. */
  private Map<String, String> cards() {
    Map<String, String> states = new HashMap<>();
    view.state(new JsonObject()).getJsonArray("replicas").stream().map(JsonObject.class::cast)
        .forEach(card -> states.put(card.getString("name"), card.getString("state")));
    return states;
  }

  @BeforeEach
  void view() {
    view = new NodeView(ids -> ConsistentHashRing.build(RingSpec.defaults(), ids), ProxyMetrics.NONE);
    assertTrue(view.apply(snapshot(EPOCH, 1, "S1", "S2", "S3", "S4", "S5")));
  }

  @Test
  void everyStateHasTheWordThePageReadsAndOnlyAnUpReplicaIsRoutable() {
    view.down(event("S2", EPOCH));
    view.suspect(event("S3", 0));
    view.ejected(ejected("S4", inAMinute()));
    view.down(event("S5", EPOCH));
    view.lifecycle(lifecycle(Lifecycle.Event.REPLACING, "S5", 5));
    view.lifecycle(lifecycle(Lifecycle.Event.STARTING, "replica-3fa9c1", 5));
    assertEquals(Map.of("S1", "up", "S2", "down", "S3", "suspect", "S4", "ejected", "S5", "replacing",
        "replica-3fa9c1", "starting"), cards());
    assertEquals(Set.of("S1"), Set.of("S1", "S2", "S3", "S4", "S5").stream().filter(view::routable)
        .collect(Collectors.toSet()));
    assertFalse(view.routable("replica-3fa9c1"), "a replica still starting is not in the set");
    assertNull(view.state("replica-3fa9c1"));
  }

  @Test
  void aDrainedOrMaintainedReplicaIsNotRoutableAndItsCardShowsItsWeightAndState() {
    List<ReplicaInfo> shaped = ReplicaMessages.replicas(snapshot(EPOCH, 2, "S1", "S2", "S3", "S4", "S5")).stream()
        .map(r -> switch (r.name()) {
          case "S1" -> new ReplicaInfo(r.name(), r.ringId(), r.host(), r.port(), r.instance(), r.healthPort(),
              Shaping.DEFAULT.withState(Shaping.State.DRAIN).withWeight(3));
          case "S2" -> new ReplicaInfo(r.name(), r.ringId(), r.host(), r.port(), r.instance(), r.healthPort(),
              Shaping.DEFAULT.withState(Shaping.State.MAINT));
          default -> r;
        }).toList();
    assertTrue(view.apply(ReplicaMessages.snapshot(new Stamp(EPOCH, 2), "manager", shaped)));
    assertFalse(view.routable("S1"));
    assertFalse(view.routable("S2"));
    assertTrue(view.routable("S3"));
    JsonObject s1 = view.state(new JsonObject()).getJsonArray("replicas").getJsonObject(0);
    assertEquals(3, s1.getInteger("weight"));
    assertEquals("drain", s1.getString("traffic"));
    assertEquals("up", s1.getString("state"), "it answers: only the operator's state keeps it out");
  }

  @Test
  void theStatesAreTheOnesTheDashboardStyles() throws IOException {
    String css;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("webroot/dashboard/style.css")) {
      css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (ReplicaState state : ReplicaState.values()) {
      if (state != ReplicaState.UP) {
        assertTrue(css.contains("[data-state=\"" + state.json() + "\"]"), state + " has a style: " + state.json());
      }
    }
    assertEquals(ReplicaState.values().length, Arrays.stream(ReplicaState.values()).map(ReplicaState::json).distinct()
        .count(), "one word per state");
  }

  @Test
  void aSuspectedReplicaIsRoutableAgainOnceItAnswersAndADownOneOnceItIsUp() {
    view.suspect(event("S1", 0));
    view.down(event("S2", EPOCH));
    assertFalse(view.routable("S1"));
    assertFalse(view.routable("S2"));
    view.up(event("S1", EPOCH));
    view.up(event("S2", EPOCH));
    assertTrue(view.routable("S1"));
    assertTrue(view.routable("S2"));
  }

  @Test
  void aReplicaBeingReplacedStaysOutWhateverItsHeartbeatSays() {
    view.down(event("S1", EPOCH));
    view.lifecycle(lifecycle(Lifecycle.Event.REPLACING, "S1", 1));
    view.up(event("S1", EPOCH));
    assertEquals(ReplicaState.REPLACING, view.state("S1"));
    assertFalse(view.routable("S1"));
  }

  @Test
  void aFailedConnectionThatSuspectsAndEjectsKeepsTheReplicaOutUntilItAnswers() {
    view.suspect(event("S1", 0));
    view.ejected(ejected("S1", inAMinute()));
    assertEquals(ReplicaState.SUSPECT, view.state("S1"), "the balancer that saw it fail routes around it");
    view.up(event("S1", EPOCH));
    assertEquals(ReplicaState.EJECTED, view.state("S1"), "then held out until the hold ends");
    assertFalse(view.routable("S1"));
  }

  @Test
  void anEjectionEndsWithItsHoldAndOnlyTheNodesDetectorEjects() {
    view.ejected(ejected("S1", System.nanoTime() - 1_000_000));
    assertEquals(ReplicaState.UP, view.state("S1"), "its hold is over");
    assertTrue(view.routable("S1"));
    view.lifecycle(lifecycle(Lifecycle.Event.EJECTED, "S2", 2).put(Lifecycle.HOLD_MS, 60_000));
    assertEquals(ReplicaState.UP, view.state("S2"), "another node's ejection, heard in the lifecycle, holds nothing here");
    view.ejected(ejected("S9", inAMinute()));
    assertTrue(view.apply(snapshot(EPOCH, 2, "S1", "S2", "S3", "S4", "S5", "S9")));
    assertEquals(ReplicaState.UP, view.state("S9"), "an ejection of a replica outside the set is not kept");
  }

  @Test
  void eventsOfAnOlderEpochAndOfReplicasOutsideTheSetChangeNothing() {
    view.down(event("S1", EPOCH - 1));
    view.down(event("S9", EPOCH));
    view.suspect(event("S9", 0));
    assertTrue(view.routable("S1"), "a deposed manager's heartbeat is not heard, as balancers do not hear it");
    view.down(event("S2", EPOCH));
    view.up(event("S2", EPOCH - 1));
    assertFalse(view.routable("S2"), "nor its up events");
    assertTrue(view.apply(snapshot(EPOCH, 2, "S1", "S2", "S3", "S4", "S5", "S9")));
    assertTrue(view.routable("S9"), "a down event heard before the replica joined the set is not held against it");
  }

  @Test
  void theNodeServesWhileAReplicaIsRoutableOrOnlyHeldOutAsABalancerInPanicModeWould() {
    for (String name : List.of("S1", "S2", "S3")) {
      view.ejected(ejected(name, inAMinute()));
    }
    view.down(event("S4", EPOCH));
    assertTrue(view.serves(), "S5 is routable");
    view.down(event("S5", EPOCH));
    assertTrue(view.serves(), "every replica left is ejected: a balancer routes to them anyway");
    for (String name : List.of("S1", "S2", "S3")) {
      view.suspect(event(name, 0));
    }
    assertFalse(view.serves(), "suspected or down: no balancer that saw them fail routes to them");
    view.up(event("S3", EPOCH));
    assertTrue(view.serves());
    assertTrue(view.apply(snapshot(EPOCH, 3)));
    assertFalse(view.serves(), "an empty set serves nothing");
  }

  @Test
  void anOlderSnapshotIsNotApplied() {
    assertFalse(view.apply(snapshot(EPOCH, 1, "S1")));
    assertFalse(view.apply(snapshot(EPOCH - 1, 9, "S1")));
    assertEquals(5, view.replicas().size());
  }
}
