package dev.lb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hazelcast.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast properties behind a quick merge after a network split (measured with {@code dev.lb.netns}). */
class ClusterSettingsTest {

  private static Config config(String host) {
    return new ClusterSettings(host, List.of("10.0.0.2", "10.0.0.3"), 5701, 0, 2).hazelcast();
  }

  @Test
  void partsOfASplitClusterLookForEachOtherOftenAndAreAdmittedAtOnce() {
    Config config = config("10.0.0.2");
    assertEquals("2", config.getProperty("hazelcast.merge.next.run.delay.seconds"));
    assertEquals("0", config.getProperty("hazelcast.wait.seconds.before.join"));
  }

  @Test
  void onSeparateHostsAMemberWithoutAPortIsLookedForOnTheClusterPortOnly() {
    assertEquals("1", config("10.0.0.2").getProperty("hazelcast.tcp.join.port.try.count"));
  }

  @Test
  void theMajorityIsOfTheListedMembersWithThisNodeCountedIfItIsNotListed() {
    List<String> three = List.of("10.0.0.2", "10.0.0.3", "10.0.0.4");
    assertEquals(2, ClusterSettings.quorum("majority", three, "10.0.0.2", 5701));
    assertEquals(3, ClusterSettings.quorum("majority", three, "10.0.0.9", 5701), "4 nodes: 3");
    assertEquals(1, ClusterSettings.quorum("majority", List.of("127.0.0.1"), "127.0.0.1", 5701), "the default: alone");
    assertEquals(2, ClusterSettings.quorum("MAJORITY", List.of("127.0.0.1:5701", "127.0.0.1:5702"), "127.0.0.1", 5701),
        "two nodes: both");
    assertEquals(1, ClusterSettings.quorum(" 1 ", three, "10.0.0.2", 5701));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> ClusterSettings.quorum("0", three, "10.0.0.2", 5701));
    assertEquals("cluster.quorum must be 'majority' or a number of members from 1 up, got '0'", zero.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClusterSettings.quorum("most", three, "10.0.0.2", 5701));
  }

  @Test
  void aQuorumAboveOneGuardsTheLockTheCounterAndTheRecordedSet() {
    Config guarded = config("10.0.0.2");
    assertEquals(2, guarded.getSplitBrainProtectionConfig(ClusterSettings.QUORUM).getMinimumClusterSize());
    ClusterSettings.GUARDED_MAPS.forEach(map -> assertEquals(ClusterSettings.QUORUM,
        guarded.getMapConfig(map).getSplitBrainProtectionName(), map));
    Config alone = new ClusterSettings("127.0.0.1", List.of("127.0.0.1"), 5701, 0, 1).hazelcast();
    assertNull(alone.getMapConfig("__vertx.map.lock").getSplitBrainProtectionName(), "quorum 1: nothing to guard");
  }

  @Test
  void onLoopbackTheNextPortsAreTriedTooForSeveralNodesOnOneMachine() {
    assertNull(config("127.0.0.1").getProperty("hazelcast.tcp.join.port.try.count"));
  }
}
