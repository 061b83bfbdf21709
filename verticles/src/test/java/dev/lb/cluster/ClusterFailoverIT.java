package dev.lb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.ClientLoop;
import dev.lb.OnContext;
import dev.lb.Processes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The clustered deploy end to end, as users run it: separate JVMs on loopback started by {@code Main} with
 * {@code LB_CLUSTER=true}, process replicas. Load goes through the node that is not the active manager while the
 * manager's node is killed with SIGKILL, three times over: no request may fail, a standby must take over within
 * seconds, and the same replica processes must keep serving (adopted, not restarted). Then nothing may be left.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterFailoverIT {

  private static final int KILLS = 3;
  private static final Path LOGS = Path.of("target", "cluster-it");

  private final List<BalancerProcess> nodes = new ArrayList<>();
  private final Map<BalancerProcess, Integer> adminPorts = new HashMap<>();
  private final List<ProcessHandle> replicas = new ArrayList<>();
  private Vertx vertx;
  private WebClient web;
  private Context context;
  private int[] clusterPorts;
  private int started;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(LOGS);
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    context = vertx.getOrCreateContext();
    clusterPorts = new int[] {BalancerProcess.freePort(), BalancerProcess.freePort()};
  }

  @AfterEach
  void tearDown() throws Exception {
    nodes.forEach(n -> n.process.destroyForcibly());
    replicas.forEach(ProcessHandle::destroyForcibly);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A node on cluster port {@code clusterPorts[slot]}, its log in {@code target/cluster-it}. */
  private BalancerProcess node(int slot, Map<String, String> extra) throws IOException {
    // two nodes: quorum 1 keeps failover (and gives up safety under a partition; see the README)
    Map<String, String> env = new HashMap<>(Map.of("LB_CLUSTER", "true", "LB_CLUSTER_QUORUM", "1",
        "LB_CLUSTER_PORT", String.valueOf(clusterPorts[slot]),
        "LB_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1]));
    env.putAll(extra);
    int adminPort = BalancerProcess.freePort();
    env.put("LB_ADMIN_PORT", String.valueOf(adminPort));
    Path log = LOGS.resolve("node-" + (++started) + ".log");
    Files.deleteIfExists(log);
    BalancerProcess node = BalancerProcess.start(env, log);
    adminPorts.put(node, adminPort);
    nodes.add(node);
    return node;
  }

  /** The epoch of the manager acting on {@code node} now (its admin port's {@code /api/cluster}), 0 if none. */
  private long actingEpoch(BalancerProcess node) {
    JsonObject manager = web.get(adminPorts.get(node), "127.0.0.1", "/api/cluster").timeout(2000).send()
        .map(resp -> resp.bodyAsJsonObject().getJsonObject("manager")).otherwise((JsonObject) null).await();
    return manager != null && manager.getBoolean("acting", false) ? manager.getLong("epoch") : 0;
  }

  private JsonObject rep(BalancerProcess node) {
    return web.get(node.port, "127.0.0.1", "/rep").timeout(5000).send()
        .map(resp -> resp.bodyAsJsonObject().getJsonObject("message")).otherwise(new JsonObject()).await();
  }

  /** Checks {@code condition} on the test's thread every 50 ms until it holds; fails after {@code timeoutMs}. */
  private void await(BooleanSupplier condition, long timeoutMs, String what) {
    BalancerProcess.await(vertx, condition, timeoutMs, what);
  }

  private void serving(BalancerProcess node) {
    node.serving(vertx, 60_000).await();
    await(() -> rep(node).getInteger("N", 0) == 3, 60_000, "N = 3 on port " + node.port);
  }

  /** The replica processes: the server JVMs running under the first node, recorded once they run. */
  private List<ProcessHandle> replicaProcesses(BalancerProcess node) {
    return node.process.descendants().filter(p -> Processes.arguments(p).contains("server")).toList();
  }

  private <T> T onContext(java.util.function.Supplier<Future<T>> work) {
    return OnContext.run(context, work).await();
  }

  @Test
  void killingTheManagersNodeFailsNoRequestAndTheStandbyAdoptsTheReplicas() throws Exception {
    BalancerProcess first = node(0, Map.of());
    serving(first);
    await(() -> actingEpoch(first) == 1, 30_000, "the first node leads");
    replicas.addAll(replicaProcesses(first));
    BalancerProcess manager = first;
    assertEquals(3, replicas.size(), "three replica processes");
    BalancerProcess standby = node(1, Map.of());
    serving(standby);
    JsonObject before = rep(manager);
    assertEquals(before, rep(standby), "both balancers show the same set");

    List<Long> takeovers = new ArrayList<>();
    long requests = 0;
    List<String> failures = new ArrayList<>();
    for (int round = 1; round <= KILLS; round++) {
      BalancerProcess target = standby;
      ClientLoop loop = onContext(() -> Future.succeededFuture(
          ClientLoop.start(web, target.port, "/home", 16, Long.MAX_VALUE, 120_000)));
      vertx.timer(1000).await();
      long killedAt = System.nanoTime();
      manager.process.destroyForcibly();
      long next = round + 1;
      await(() -> actingEpoch(target) == next, 30_000, "the standby takes over (epoch " + next + ")");
      takeovers.add((System.nanoTime() - killedAt) / 1_000_000);
      await(() -> rep(target).equals(before), 30_000, "the survivor's /rep shows the same replicas");
      vertx.timer(1000).await();
      ClientLoop done = onContext(loop::stop);
      requests += done.ok() + done.failures().size();
      failures.addAll(done.failures());
      assertTrue(done.ok() > 100, "load ran through the standby: " + done.ok());
      replicas.forEach(p -> assertTrue(p.isAlive(), "replica pid " + p.pid() + " still runs (adopted, not restarted)"));
      manager = target;
      standby = node(round % 2 == 1 ? 0 : 1, Map.of());
      serving(standby);
      assertEquals(before, rep(standby), "a node that joins shows the same set");
    }
    List<Long> sorted = new ArrayList<>(takeovers);
    Collections.sort(sorted);
    System.out.printf("CLUSTER failover (kill -9 of the manager's node, process replicas): %d kills, takeover median %d ms, "
        + "max %d ms; %d requests through the other node, %d failed; 0 replicas restarted%n", KILLS,
        sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), requests, failures.size());
    assertEquals(List.of(), failures, "failed requests");
    assertTrue(sorted.get(sorted.size() - 1) < 10_000, "takeover within seconds: " + takeovers);

    // SIGTERM: the standby just leaves; the manager, last of its kind, stops the replicas
    standby.process.destroy();
    standby.process.waitFor(30, TimeUnit.SECONDS);
    manager.process.destroy();
    assertTrue(manager.process.waitFor(40, TimeUnit.SECONDS), "the last node stops");
    await(() -> replicas.stream().noneMatch(ProcessHandle::isAlive), 10_000, "every replica exits with the last node");
  }

  @Test
  void replicasOfAClusterKilledWholeExitByTheirLease() throws Exception {
    BalancerProcess only = node(0, Map.of("LB_REPLICA_LEASE_MS", "2000"));
    serving(only);
    replicas.addAll(replicaProcesses(only));
    assertEquals(3, replicas.size());
    long killedAt = System.nanoTime();
    only.process.destroyForcibly();
    vertx.timer(1000).await();
    assertTrue(replicas.stream().allMatch(ProcessHandle::isAlive), "replicas outlive the node that started them");
    await(() -> replicas.stream().noneMatch(ProcessHandle::isAlive), 15_000, "every replica exits once its lease runs out");
    System.out.printf("CLUSTER lease: every replica exited %d ms after the whole cluster was killed (lease 2000 ms)%n",
        (System.nanoTime() - killedAt) / 1_000_000);
  }
}
