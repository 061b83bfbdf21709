package dev.lb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.bus.Addresses;
import dev.lb.bus.NodeMessages;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.launcher.Deployment;
import dev.lb.server.ServerSettings;
import dev.lb.server.ServerVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two clustered manager candidates with the static backend in front of three servers of the test's own: only the
 * elected manager lists them, both balancers serve the same set, {@code /add} sent to either is refused with 405,
 * and when the manager's node stops, the other takes over with the same replicas on the same ring ids (the servers run
 * on: nobody stops them).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StaticClusterTest {

  @Test
  void theElectedManagerListsThemAndItsSuccessorKeepsTheirRingIds() throws Exception {
    Vertx others = Vertx.vertx();
    WebClient web = WebClient.create(others);
    List<Deployment> nodes = new ArrayList<>();
    try {
      List<String> addresses = new ArrayList<>();
      for (int k = 1; k <= 3; k++) {
        ServerVerticle server = new ServerVerticle(new ServerSettings(String.valueOf(k), "127.0.0.1", 0, 0));
        others.deployVerticle(server).await(10, TimeUnit.SECONDS);
        addresses.add("127.0.0.1:" + server.actualPort());
      }
      List<Integer> clusterPorts = List.of(BalancerProcess.freePort(), BalancerProcess.freePort());
      String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
      List<Integer> ports = List.of(BalancerProcess.freePort(), BalancerProcess.freePort());
      for (int k = 0; k < 2; k++) {
        nodes.add(Deployment.start(Settings.defaults()
            .put(ConfigKeys.CLUSTER_ENABLED, true).put(ConfigKeys.CLUSTER_PORT, clusterPorts.get(k))
            .put(ConfigKeys.CLUSTER_MEMBERS, members).put(ConfigKeys.CLUSTER_QUORUM, "1")
            .put(ConfigKeys.BACKEND, "static").put(ConfigKeys.REPLICA_ADDRESSES, String.join(",", addresses))
            .put(ConfigKeys.HTTP_HOST, "127.0.0.1").put(ConfigKeys.HTTP_PORT, ports.get(k))
            .put(ConfigKeys.BALANCER_INSTANCES, 1).put(ConfigKeys.ADMIN_PORT, 0)
            .put(ConfigKeys.HEARTBEAT_INTERVAL_MS, 100).put(ConfigKeys.HEARTBEAT_TIMEOUT_MS, 200))
            .await(60, TimeUnit.SECONDS));
      }
      for (int port : ports) {
        assertEquals(addresses, awaitRep(others, web, port, 3).getJsonArray("replicas").getList(), "/rep on " + port);
      }
      int manager = managerOf(nodes);
      JsonObject discovery = state(nodes.get(manager)).getJsonObject(NodeMessages.DISCOVERY);
      assertEquals("LB_REPLICA_ADDRESSES", discovery.getString("source"));
      assertEquals(3, discovery.getInteger("listed"));
      Map<String, Integer> ids = ringIds(nodes.get(manager));
      assertEquals(Map.of(addresses.get(0), 1, addresses.get(1), 2, addresses.get(2), 3), ids);
      for (int port : ports) {
        HttpResponse<Buffer> add = web.post(port, "127.0.0.1", "/add").sendBuffer(Buffer.buffer("{\"n\": 1}"))
            .await(10, TimeUnit.SECONDS);
        assertEquals(405, add.statusCode(), "/add on " + port + ": " + add.bodyAsString());
      }

      int survivor = 1 - manager;
      nodes.get(manager).stop(60, TimeUnit.SECONDS);
      nodes.set(manager, null);
      awaitRep(others, web, ports.get(survivor), 3);
      awaitManager(nodes.get(survivor));
      assertEquals(ids, ringIds(nodes.get(survivor)), "the same replicas on the same ring ids");
      for (String address : addresses) {
        String[] hostPort = address.split(":");
        assertEquals(200, web.get(Integer.parseInt(hostPort[1]), hostPort[0], "/heartbeat").send()
            .await(10, TimeUnit.SECONDS).statusCode(), address + " runs on: the stopping manager stopped nothing");
      }
      assertEquals(200, web.get(ports.get(survivor), "127.0.0.1", "/home").send().await(10, TimeUnit.SECONDS)
          .statusCode());
    } finally {
      for (Deployment node : nodes) {
        if (node != null) {
          node.stop(60, TimeUnit.SECONDS);
        }
      }
      others.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The index of the node whose manager acts (its own bus answers), waiting up to 60 s for one. */
  private static int managerOf(List<Deployment> nodes) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      for (int k = 0; k < nodes.size(); k++) {
        JsonObject state = state(nodes.get(k));
        if (state != null && state.getBoolean(NodeMessages.ACTING, false)) {
          return k;
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("no node's manager acts");
  }

  private static void awaitManager(Deployment node) throws Exception {
    assertEquals(0, managerOf(List.of(node)));
  }

  /** The manager's state on {@code node}, or null if none runs there. */
  private static JsonObject state(Deployment node) {
    try {
      return node.vertx().eventBus().<JsonObject>request(Addresses.MANAGER_STATE, new JsonObject())
          .await(2, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      return null;
    }
  }

  private static Map<String, Integer> ringIds(Deployment node) throws Exception {
    JsonObject snapshot = node.vertx().eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject())
        .await(10, TimeUnit.SECONDS).body();
    return ReplicaMessages.replicas(snapshot).stream().collect(Collectors.toMap(ReplicaInfo::name, ReplicaInfo::ringId));
  }

  private static JsonObject awaitRep(Vertx vertx, WebClient web, int port, int n) throws Exception {
    Promise<JsonObject> reached = Promise.promise();
    long deadline = System.currentTimeMillis() + 60_000;
    long timer = vertx.setPeriodic(100, t -> web.get(port, "127.0.0.1", "/rep").send().onComplete(ar -> {
      JsonObject message = ar.succeeded() && ar.result().statusCode() == 200
          ? ar.result().bodyAsJsonObject().getJsonObject("message") : null;
      if (message != null && message.getInteger("N") == n) {
        reached.tryComplete(message);
      } else if (System.currentTimeMillis() > deadline) {
        reached.tryFail("/rep on " + port + " never listed " + n + "; last: " + message);
      }
    }));
    try {
      return reached.future().await(70, TimeUnit.SECONDS);
    } finally {
      vertx.cancelTimer(timer);
    }
  }
}
