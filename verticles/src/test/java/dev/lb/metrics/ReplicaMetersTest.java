package dev.lb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.RingPicture;
import dev.lb.ring.RingSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters of the replica set follow the set and the heartbeat's verdicts, and leave with their replica. */
class ReplicaMetersTest {

  private static final long EPOCH = 3;

  private SimpleMeterRegistry registry;
  private ProxyMetrics proxy;
  private ReplicaMeters meters;

  static JsonObject snapshot(long epoch, long version, String... names) {
    List<ReplicaInfo> replicas = Arrays.stream(names)
        .map(name -> new ReplicaInfo(name, Integer.parseInt(name.substring(1)), "127.0.0.1", 40_000, "i-" + name))
        .toList();
    return ReplicaMessages.snapshot(new Stamp(epoch, version), "manager", replicas);
  }

  private static JsonObject lifecycle(Lifecycle.Event what, String name) {
    return new JsonObject().put(Lifecycle.EVENT, what.name().toLowerCase(Locale.ROOT)).put(ReplicaMessages.REPLICA, name);
  }

  /** The value of gauge {@code name} of {@code replica}; null if there is none. */
  private Double gauge(String name, String replica) {
    Gauge gauge = registry.find(name).tag("replica", replica).gauge();
    return gauge == null ? null : gauge.value();
  }

  @BeforeEach
  void meters() {
    registry = new SimpleMeterRegistry();
    proxy = new ProxyMetrics(registry);
    meters = new ReplicaMeters(ids -> ConsistentHashRing.build(RingSpec.defaults(), ids), proxy, new SystemMetrics(registry));
    assertTrue(meters.apply(snapshot(EPOCH, 1, "S1", "S2", "S3")));
  }

  @Test
  void eachReplicaIsUpWithItsShareOfTheRing() {
    Map<Integer, Double> shares = RingPicture.of(ConsistentHashRing.build(RingSpec.defaults(), List.of(1, 2, 3))).shares();
    double total = 0;
    for (String name : List.of("S1", "S2", "S3")) {
      assertEquals(1.0, gauge("lb.server.up", name), name);
      double share = gauge("lb.server.ring.share", name);
      assertEquals(shares.get(Integer.parseInt(name.substring(1))), share, name);
      assertTrue(share > 0, name + " owns a part of the ring");
      total += share;
    }
    assertEquals(1.0, total, 1e-9, "the shares cover the ring");
  }

  @Test
  void upFollowsTheHeartbeatsVerdictsOfTheCurrentEpoch() {
    meters.down(ReplicaMessages.replicaEvent("S1", "missed", EPOCH));
    assertEquals(0.0, gauge("lb.server.up", "S1"));
    assertEquals(1.0, gauge("lb.server.up", "S2"));
    meters.up(ReplicaMessages.replicaEvent("S1", "answers", EPOCH));
    assertEquals(1.0, gauge("lb.server.up", "S1"));
    meters.down(ReplicaMessages.replicaEvent("S2", "a deposed manager's heartbeat", EPOCH - 1));
    assertEquals(1.0, gauge("lb.server.up", "S2"), "an older epoch is not heard, as balancers do not hear it");
    meters.down(ReplicaMessages.replicaEvent("S7", "not in the set", EPOCH));
    assertNull(gauge("lb.server.up", "S7"), "no meter for a replica outside the set");
  }

  @Test
  void aReplicaBeingReplacedIsNotUpAndAReplacementIsCounted() {
    meters.down(ReplicaMessages.replicaEvent("S2", "missed", EPOCH));
    meters.lifecycle(lifecycle(Lifecycle.Event.REPLACING, "S2"));
    meters.up(ReplicaMessages.replicaEvent("S2", "answers", EPOCH));
    assertEquals(0.0, gauge("lb.server.up", "S2"), "being replaced, whatever its heartbeat says");
    assertEquals(0.0, registry.get("lb.replacements").counter().count());
    meters.lifecycle(lifecycle(Lifecycle.Event.REPLACED, "S2"));
    assertEquals(1.0, registry.get("lb.replacements").counter().count());
  }

  @Test
  void aReplicaThatLeavesTheSetLeavesNoMeterBehind() {
    proxy.of("S2").started();
    proxy.of("S3").started();
    assertFalse(registry.find("lb.server.requests").tag("replica", "S2").counters().isEmpty());
    assertTrue(meters.apply(snapshot(EPOCH, 2, "S1", "S3", "S4")));
    assertTrue(registry.getMeters().stream().noneMatch(m -> "S2".equals(m.getId().getTag("replica"))),
        "no meter of S2 left: " + registry.getMetersAsString());
    assertEquals(1.0, registry.get("lb.server.requests").tag("replica", "S3").counter().count(), "S3's are kept");
    assertEquals(1.0, gauge("lb.server.up", "S4"));
  }

  @Test
  void anOlderSnapshotChangesNothing() {
    assertFalse(meters.apply(snapshot(EPOCH, 1, "S1")));
    assertFalse(meters.apply(snapshot(EPOCH - 1, 7, "S1")));
    assertEquals(1.0, gauge("lb.server.up", "S3"), "S3's meters stay");
  }
}
