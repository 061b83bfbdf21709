package dev.lb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.launcher.Deployment;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Three clustered nodes in one JVM, each its own Vert.x and Hazelcast member on loopback, as {@code LB_CLUSTER=true}
 * starts them: two manager candidates and one balancer-only node, in-JVM replicas. Every balancer routes every key
 * alike, and {@code /add}, {@code /rm} and {@code /rep} agree wherever they are sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTest {

  private static final int KEYS = 10_000;

  private final List<Deployment> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private Vertx client;
  private WebClient web;

  @BeforeAll
  void startCluster() throws Exception {
    List<Integer> clusterPorts = List.of(BalancerProcess.freePort(), BalancerProcess.freePort(), BalancerProcess.freePort());
    String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<String> roles = List.of("manager,balancer", "balancer", "manager,balancer");
    for (int k = 0; k < 3; k++) {
      int port = BalancerProcess.freePort();
      ports.add(port);
      JsonObject conf = Settings.defaults()
          .put(ConfigKeys.CLUSTER_ENABLED, true).put(ConfigKeys.CLUSTER_PORT, clusterPorts.get(k))
          .put(ConfigKeys.CLUSTER_MEMBERS, members).put(ConfigKeys.ROLES, roles.get(k))
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
      node.stop(60, TimeUnit.SECONDS);
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

  @Test
  void everyBalancerRoutesEveryKeyToTheSameReplica() throws Exception {
    Map<String, String> first = owners(ports.get(0));
    assertEquals(3, first.values().stream().distinct().count(), "keys spread over the 3 replicas: " + first.values().stream()
        .collect(Collectors.groupingBy(v -> v, Collectors.counting())));
    for (int k = 1; k < ports.size(); k++) {
      Map<String, String> other = owners(ports.get(k));
      long differ = first.keySet().stream().filter(key -> !first.get(key).equals(other.get(key))).count();
      assertEquals(0, differ, "keys routed differently by the balancer of node " + k);
    }
    System.out.printf("CLUSTER routing: %d affinity keys through each of %d balancers, 0 routed differently%n", KEYS, ports.size());
  }

  @Test
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

  @Test
  void aBalancerOnlyNodeAnswersRepLikeTheOthers() throws Exception {
    assertEquals(rep(ports.get(0)), rep(ports.get(1)));
  }

}
