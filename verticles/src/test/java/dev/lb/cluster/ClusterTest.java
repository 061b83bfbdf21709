package dev.lb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.launcher.Deployment;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three clustered nodes in one JVM, each its own Vert.x and Hazelcast member on loopback, as {@code LB_CLUSTER=true}
 * starts them: two manager candidates and one balancer-only node, in-JVM replicas. Every balancer routes every key
 * alike, {@code /add}, {@code /rm} and {@code /rep} agree wherever they are sent, and when the active manager's node
 * leaves, the other candidate takes over and the nodes left still agree and route every key alike (the last test: it
 * stops a node).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTest {

  private static final int KEYS = 10_000;
  private static final List<String> ROLES = List.of("manager,balancer", "balancer", "manager,balancer");

  private final List<Deployment> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Set<Deployment> stopped = new HashSet<>();
  private Vertx client;
  private WebClient web;

  @BeforeAll
  void startCluster() throws Exception {
    List<Integer> clusterPorts = List.of(BalancerProcess.freePort(), BalancerProcess.freePort(), BalancerProcess.freePort());
    String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    for (int k = 0; k < 3; k++) {
      int port = BalancerProcess.freePort();
      ports.add(port);
      JsonObject conf = Settings.defaults()
          .put(ConfigKeys.CLUSTER_ENABLED, true).put(ConfigKeys.CLUSTER_PORT, clusterPorts.get(k))
          .put(ConfigKeys.CLUSTER_MEMBERS, members).put(ConfigKeys.ROLES, ROLES.get(k))
          .put(ConfigKeys.BACKEND, "inproc").put(ConfigKeys.KEY, "header:X-Key").put(ConfigKeys.RING_HASH, "murmur3")
          .put(ConfigKeys.HTTP_HOST, "127.0.0.1").put(ConfigKeys.HTTP_PORT, port).put(ConfigKeys.BALANCER_INSTANCES, 1)
          .put(ConfigKeys.ADMIN_PORT, 0)
          .put(ConfigKeys.HEARTBEAT_INTERVAL_MS, 100).put(ConfigKeys.HEARTBEAT_TIMEOUT_MS, 200);
      nodes.add(Deployment.start(conf).await(60, TimeUnit.SECONDS));
    }
    client = Vertx.vertx();
    web = WebClient.create(client);
    for (int port : ports) {
      awaitRep(port, m -> m.getInteger("N") == 3);
    }
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (Deployment node : nodes) {
      if (!stopped.contains(node)) {
        node.stop(60, TimeUnit.SECONDS);
      }
    }
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  private JsonObject rep(int port) throws Exception {
    return web.get(port, "127.0.0.1", "/rep").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonObject("message");
  }

  /** Polls {@code /rep} on {@code port} every 100 ms until its message satisfies {@code done}; at most 60 s. */
  private void awaitRep(int port, Predicate<JsonObject> done) throws Exception {
    Promise<Void> reached = Promise.promise();
    long deadline = System.currentTimeMillis() + 60_000;
    long timer = client.setPeriodic(100, t -> web.get(port, "127.0.0.1", "/rep").send().onComplete(ar -> {
      JsonObject message = ar.succeeded() ? ar.result().bodyAsJsonObject().getJsonObject("message") : null;
      if (message != null && done.test(message)) {
        reached.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        reached.tryFail("/rep on " + port + " never reached the expected state; last: " + message);
      }
    }));
    reached.future().onComplete(ar -> client.cancelTimer(timer)).await(70, TimeUnit.SECONDS);
  }

  /** The server id each of {@link #KEYS} affinity keys reaches through the balancer on {@code port}. */
  private Map<String, String> owners(int port) throws Exception {
    Map<String, String> owners = new HashMap<>();
    List<Future<Void>> window = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      String key = "key-" + k;
      window.add(web.get(port, "127.0.0.1", "/home").putHeader("X-Key", key).send().map(resp -> {
        synchronized (owners) {
          owners.put(key, resp.bodyAsJsonObject().getString("message"));
        }
        return null;
      }));
      if (window.size() == 64) {
        Future.all(window).await(30, TimeUnit.SECONDS);
        window.clear();
      }
    }
    Future.all(window).await(30, TimeUnit.SECONDS);
    return owners;
  }

  /** Routes {@link #KEYS} keys through the balancer of every port: each key reaches the same replica through all. */
  private Map<String, String> routedAlike(List<Integer> through) throws Exception {
    Map<String, String> first = owners(through.get(0));
    assertEquals(3, first.values().stream().distinct().count(), "keys spread over the 3 replicas: " + first.values().stream()
        .collect(Collectors.groupingBy(v -> v, Collectors.counting())));
    for (int k = 1; k < through.size(); k++) {
      Map<String, String> other = owners(through.get(k));
      long differ = first.keySet().stream().filter(key -> !first.get(key).equals(other.get(key))).count();
      assertEquals(0, differ, "keys routed differently by the balancer on port " + through.get(k));
    }
    System.out.printf("CLUSTER routing: %d affinity keys through each of %d balancers, 0 routed differently%n", KEYS,
        through.size());
    return first;
  }

  @Test
  @Order(1)
  void everyBalancerRoutesEveryKeyToTheSameReplica() throws Exception {
    routedAlike(ports);
  }

  @Test
  @Order(2)
  void addOnOneNodeAndRemoveOnAnotherAreSerialisedAndRepAgreesEverywhere() throws Exception {
    List<Future<HttpResponse<Buffer>>> calls = List.of(
        web.request(HttpMethod.POST, ports.get(1), "127.0.0.1", "/add").sendBuffer(Buffer.buffer("{\"n\": 1, \"hostnames\": [\"S8\"]}")),
        web.request(HttpMethod.DELETE, ports.get(2), "127.0.0.1", "/rm").sendBuffer(Buffer.buffer("{\"n\": 1, \"hostnames\": [\"Server 2\"]}")));
    Future.join(calls).await(60, TimeUnit.SECONDS);
    JsonArray added = calls.get(0).result().bodyAsJsonObject().getJsonObject("message").getJsonArray("replicas");
    JsonArray removed = calls.get(1).result().bodyAsJsonObject().getJsonObject("message").getJsonArray("replicas");
    // one of the two ran first, whole, and the other's reply shows both effects
    JsonArray later = removed.contains("S8") ? removed : added;
    assertTrue(later.size() == 3 && later.contains("S8") && !later.contains("Server 2"), "serialised: add " + added
        + ", rm " + removed);
    JsonObject expected = rep(ports.get(0));
    assertEquals(new JsonObject().put("N", 3).put("replicas", later), expected);
    for (int port : ports) {
      assertEquals(expected, rep(port), "/rep on port " + port);
    }
  }

  /** What the manager running on node {@code k} says of itself ({"epoch", "acting"}); null if none runs there. */
  private JsonObject managerOn(int k) throws Exception {
    return nodes.get(k).vertx().eventBus().<JsonObject>request(Addresses.MANAGER_STATE, new JsonObject(),
        ReplicaMessages.within(2000)).map(Message::body).otherwiseEmpty().await(5, TimeUnit.SECONDS);
  }

  /** The node whose manager acts now; fails unless there is exactly one. */
  private int activeManager() throws Exception {
    List<Integer> acting = new ArrayList<>();
    for (int k = 0; k < nodes.size(); k++) {
      JsonObject state = stopped.contains(nodes.get(k)) ? null : managerOn(k);
      if (state != null && state.getBoolean("acting", false)) {
        acting.add(k);
      }
    }
    assertEquals(1, acting.size(), "one acting manager, on one of the candidates: nodes " + acting);
    return acting.get(0);
  }

  /**
   * Whether the set has settled on the balancers of {@code through}: {@code /rep} answers the same set of {@code n}
   * replicas on each, every replica of the manager's set answers on its own port, and a few keys reach the same server
   * through each balancer.
   */
  private boolean settled(List<Integer> through, int n) {
    try {
      JsonObject first = rep(through.get(0));
      for (int port : through) {
        if (first.getInteger("N") != n || !first.equals(rep(port))) {
          return false;
        }
      }
      // asked of the cluster through the balancer-only node, which stays
      JsonObject set = nodes.get(1).vertx().eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject(),
          ReplicaMessages.within(2000)).map(Message::body).otherwiseEmpty().await(5, TimeUnit.SECONDS);
      return set != null && ReplicaMessages.replicas(set).size() == n && ReplicaMessages.replicas(set).stream()
          .allMatch(r -> answers(r.port())) && samplesRouteAlike(through);
    } catch (Exception e) {
      return false;
    }
  }

  private boolean answers(int port) {
    return web.get(port, "127.0.0.1", "/heartbeat").timeout(1000).send().map(resp -> resp.statusCode() == 200)
        .otherwise(false).await();
  }

  private boolean samplesRouteAlike(List<Integer> through) throws Exception {
    for (int k = 0; k < 50; k++) {
      Set<String> reached = new HashSet<>();
      for (int port : through) {
        HttpResponse<Buffer> home = web.get(port, "127.0.0.1", "/home").putHeader("X-Key", "sample-" + k).timeout(2000)
            .send().await(5, TimeUnit.SECONDS);
        reached.add(home.statusCode() + " " + home.bodyAsString());
      }
      if (reached.size() != 1 || !reached.iterator().next().startsWith("200 ")) {
        return false;
      }
    }
    return true;
  }

  @Test
  @Order(3)
  void whenTheActiveManagersNodeLeavesTheOtherCandidateTakesOverAndTheNodesLeftStillAgree() throws Exception {
    assertEquals(rep(ports.get(0)), rep(ports.get(1)), "a balancer-only node answers /rep like the others");
    int leaving = activeManager();
    assertTrue(ROLES.get(leaving).contains("manager"));
    int other = leaving == 0 ? 2 : 0;
    long epoch = managerOn(leaving).getLong("epoch");
    assertNull(managerOn(other), "the other candidate stands by: no manager runs on it");
    List<Integer> left = List.of(ports.get(1), ports.get(other));
    int n = rep(ports.get(1)).getInteger("N");
    Map<String, String> before = owners(ports.get(1));

    stopped.add(nodes.get(leaving));
    nodes.get(leaving).stop(60, TimeUnit.SECONDS);

    BalancerProcess.await(client, () -> {
      try {
        JsonObject now = managerOn(other);
        return now != null && now.getBoolean("acting", false) && now.getLong("epoch") > epoch;
      } catch (Exception e) {
        return false;
      }
    }, 60_000, "the manager candidate on node " + other + " takes over from epoch " + epoch);
    assertEquals(other, activeManager());
    // the replicas ran in the leaving node's JVM: the new manager replaces them, each on its ring id
    BalancerProcess.await(client, () -> settled(left, n), 60_000, "/rep agrees on the nodes left and every replica answers");
    Map<String, String> after = routedAlike(left);
    long moved = before.keySet().stream().filter(key -> !before.get(key).equals(after.get(key))).count();
    assertEquals(0, moved, "replaced on their ring ids, the replicas serve the keys they served before");
  }

}
