package dev.lb.replica;

import dev.lb.Processes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica that is not this project's server and not a JVM: the small Python server of the test resources, run
 * through {@code LB_REPLICA_COMMAND} with its own health path. Three serve; one killed with SIGKILL is replaced on
 * its server id; {@code /rm} stops one; and however the balancer ends, no Python process is left.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OwnServiceIT {

  private static final Path SERVER = Path.of("src", "test", "resources", "replicas", "hello_server.py").toAbsolutePath();

  private static final String KEEPER = "dev.lb.keeper.LeaseKeeper";

  private BalancerProcess balancer;
  private Vertx vertx;
  private WebClient web;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(Path.of("target", "own-service-it"));
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  private void startBalancer(Map<String, String> extra, String log) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("LB_REPLICA_COMMAND", "python3 " + SERVER,
        "LB_HEALTH_PATH", "/health", "LB_HASH", "murmur3"));
    env.putAll(extra);
    balancer = BalancerProcess.start(env, Path.of("target", "own-service-it", log));
    balancer.serving(vertx, 60_000).await();
  }

  @AfterEach
  void stop() throws Exception {
    if (balancer != null) {
      balancer.process.destroyForcibly();
      pythons().forEach(ProcessHandle::destroyForcibly);
    }
    leftovers().forEach(ProcessHandle::destroyForcibly);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Every process of this machine running the test's server (children or not). */
  private static List<ProcessHandle> leftovers() {
    return ProcessHandle.allProcesses().filter(p -> Processes.arguments(p).contains(SERVER.toString())).toList();
  }

  /** The resident memory of {@code p}, in MiB (from /proc), -1 if it is gone. */
  private static long rssMiB(ProcessHandle p) {
    try {
      return Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status")).stream()
          .filter(line -> line.startsWith("VmRSS:")).map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
          .findFirst().orElse(-1L);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /** Whether {@code p} is the test's Python server itself (not a lease keeper, whose arguments name it too). */
  private static boolean python(ProcessHandle p) {
    List<String> args = Processes.arguments(p);
    return args.contains(SERVER.toString()) && !args.contains(KEEPER);
  }

  /** The replica processes: the balancer's Python children. */
  private List<ProcessHandle> pythons() {
    return balancer.process.descendants().filter(OwnServiceIT::python).toList();
  }

  private HttpResponse<Buffer> get(String path) {
    return web.get(balancer.port, "127.0.0.1", path).send().await();
  }

  private JsonObject rep() {
    return get("/rep").bodyAsJsonObject().getJsonObject("message");
  }

  private void await(BooleanSupplier condition, String what) {
    BalancerProcess.await(vertx, condition, 30_000, what);
  }

  /** The server ids that answer {@code /home} over 150 requests. */
  private Set<String> serverIds() {
    Set<String> ids = new HashSet<>();
    for (int k = 0; k < 150; k++) {
      ids.add(get("/home").bodyAsJsonObject().getString("message").replace("Hello from Server: ", ""));
    }
    return ids;
  }

  @Test
  void threePythonReplicasServeAreReplacedAndRemoved() throws Exception {
    startBalancer(Map.of(), "balancer.log");
    assertEquals(3, rep().getInteger("N"));
    assertEquals(3, pythons().size(), "three Python processes");
    assertEquals(Set.of("1", "2", "3"), serverIds(), "/home answers with each replica's server id");
    assertEquals(400, get("/nothing").statusCode(), "the replica's 404 becomes the assignment's 400 by default");

    pythons().get(0).destroyForcibly();
    await(() -> rep().getJsonArray("replicas").stream().anyMatch(n -> n.toString().startsWith("replica-"))
        && rep().getInteger("N") == 3 && pythons().size() == 3, "the killed replica replaced under a random name");
    assertEquals(Set.of("1", "2", "3"), serverIds(), "the replacement answers with the server id it inherited");

    List<ProcessHandle> before = pythons();
    JsonObject removed = web.delete(balancer.port, "127.0.0.1", "/rm").sendJsonObject(new JsonObject().put("n", 1)
        .put("hostnames", List.of("Server 2"))).await().bodyAsJsonObject();
    assertEquals(2, removed.getJsonObject("message").getInteger("N"), removed.encode());
    await(() -> before.stream().filter(ProcessHandle::isAlive).count() == 2, "/rm stops its process");

    List<ProcessHandle> left = pythons();
    balancer.process.destroyForcibly();
    await(() -> left.stream().noneMatch(ProcessHandle::isAlive), "every Python replica exits with a balancer killed by SIGKILL");
  }

  @Test
  void clusteredPythonReplicasAreHeldByTheirLeaseKeeperAndEndWhenNoManagerIsLeft() throws Exception {
    int clusterPort = BalancerProcess.freePort();
    startBalancer(Map.of("LB_CLUSTER", "true", "LB_CLUSTER_PORT", String.valueOf(clusterPort),
        "LB_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort, "LB_REPLICA_LEASE_MS", "2000"), "clustered.log");
    await(() -> rep().getInteger("N") == 3 && pythons().size() == 3, "three Python replicas, each under a lease keeper");
    List<ProcessHandle> keepers = balancer.process.children()
        .filter(p -> Processes.arguments(p).contains(KEEPER)).toList();
    assertEquals(3, keepers.size(), "a keeper per replica");
    assertEquals(Set.of("1", "2", "3"), serverIds());
    vertx.timer(3000).await();
    assertEquals(3, pythons().size(), "the heartbeat's claims through the keepers hold the leases past 2 s");
    System.out.printf("OWN SERVICE keeper: RSS of each lease keeper %s MiB%n", keepers.stream().map(OwnServiceIT::rssMiB).toList());

    pythons().get(0).destroyForcibly();
    await(() -> rep().getJsonArray("replicas").stream().anyMatch(n -> n.toString().startsWith("replica-"))
        && pythons().size() == 3, "a killed replica is seen through its keeper and replaced");
    // the replacement's keeper counts its lease from its own start until the heartbeat's first claim reaches it:
    // killed before that claim, the node would leave it less than a lease (seen in CI: it ended within 500 ms)
    vertx.timer(1000).await();

    List<ProcessHandle> left = pythons();
    long killedAt = System.nanoTime();
    balancer.process.destroyForcibly();
    vertx.timer(500).await();
    assertTrue(left.stream().allMatch(ProcessHandle::isAlive), "clustered replicas outlive the node that started them");
    await(() -> left.stream().noneMatch(ProcessHandle::isAlive), "every Python replica ends once its lease runs out");
    System.out.printf("OWN SERVICE lease: 3 Python replicas under keepers ended %d ms after their only node was killed "
        + "(lease 2000 ms)%n", (System.nanoTime() - killedAt) / 1_000_000);
  }
}
