package dev.lb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.bus.Addresses;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.launcher.Deployment;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes of one cluster route alike, or say so: a node whose ring or key differs from a present member's is refused at
 * join, naming the settings; with {@code cluster.rolling} it joins and both sides report the difference.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoutingAgreementTest {

  @Test
  void theDifferencesNameEachSettingWithBothValues() {
    JsonObject here = RoutingAgreement.profile(Settings.defaults());
    assertEquals(RoutingAgreement.SETTINGS.size(), here.size());
    assertTrue(RoutingAgreement.differences(here, here.copy()).isEmpty());
    JsonObject there = here.copy().put(ConfigKeys.RING_SLOTS, 1 << 20).put(ConfigKeys.KEY, "header:X-Key");
    JsonObject diff = RoutingAgreement.differences(here, there);
    assertEquals(List.of(ConfigKeys.RING_SLOTS, ConfigKeys.KEY), new ArrayList<>(diff.fieldNames()));
    assertEquals(1 << 20, diff.getJsonObject(ConfigKeys.RING_SLOTS).getInteger("there"));
    assertEquals(here.getValue(ConfigKeys.KEY), diff.getJsonObject(ConfigKeys.KEY).getValue("here"));
  }

  @Test
  void aNodeThatRoutesOtherwiseIsRefusedUnlessTheChangeIsRolling() throws Exception {
    List<Integer> clusterPorts = List.of(BalancerProcess.freePort(), BalancerProcess.freePort(), BalancerProcess.freePort());
    String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<Deployment> started = new ArrayList<>();
    try {
      started.add(Deployment.start(node(members, clusterPorts.get(0))).await(60, TimeUnit.SECONDS));
      JsonObject otherRing = node(members, clusterPorts.get(1)).put(ConfigKeys.RING_SLOTS, 1 << 20);
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> Deployment.start(otherRing).await(60, TimeUnit.SECONDS));
      assertTrue(refused.getMessage().contains(ConfigKeys.RING_SLOTS + " is " + (1 << 20) + " here"), refused.getMessage());
      assertTrue(refused.getMessage().contains("cluster.rolling"), "it says how to join anyway: " + refused.getMessage());

      JsonObject rolling = node(members, clusterPorts.get(2)).put(ConfigKeys.KEY, "header:X-Key")
          .put(ConfigKeys.CLUSTER_ROLLING, true);
      Deployment late = Deployment.start(rolling).await(60, TimeUnit.SECONDS);
      started.add(late);
      JsonObject seen = routing(late);
      assertFalse(seen.getBoolean("agrees"), seen.encode());
      JsonArray differing = seen.getJsonArray("differing");
      assertEquals(1, differing.size(), "the refused node left no entry behind: " + seen.encode());
      assertEquals(List.of(ConfigKeys.KEY), new ArrayList<>(differing.getJsonObject(0).getJsonObject("differences")
          .fieldNames()));
      JsonObject first = routing(started.get(0));
      assertFalse(first.getBoolean("agrees"), "the first node sees the difference too: " + first.encode());

      late.stop(30, TimeUnit.SECONDS);
      started.remove(late);
      assertTrue(routing(started.get(0)).getBoolean("agrees"), "once the other node left, the cluster agrees again");
    } finally {
      for (Deployment node : started) {
        node.stop(30, TimeUnit.SECONDS);
      }
    }
  }

  private static JsonObject node(String members, int clusterPort) {
    return Settings.defaults().put(ConfigKeys.CLUSTER_ENABLED, true).put(ConfigKeys.CLUSTER_PORT, clusterPort)
        .put(ConfigKeys.CLUSTER_MEMBERS, members).put(ConfigKeys.CLUSTER_QUORUM, "1").put(ConfigKeys.ROLES, "balancer")
        .put(ConfigKeys.BACKEND, "inproc").put(ConfigKeys.HTTP_HOST, "127.0.0.1").put(ConfigKeys.HTTP_PORT, 0)
        .put(ConfigKeys.BALANCER_INSTANCES, 1).put(ConfigKeys.ADMIN_PORT, 0);
  }

  private static JsonObject routing(Deployment node) throws Exception {
    return node.vertx().eventBus().<JsonObject>request(Addresses.NODE_ROUTING, new JsonObject())
        .map(Message::body).await(10, TimeUnit.SECONDS);
  }
}
