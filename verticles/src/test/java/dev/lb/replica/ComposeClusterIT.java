package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.ClientLoop;
import dev.lb.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The repository's docker-compose.cluster.yml as a user runs it: two balancer containers on net1 as one cluster
 * with one set of replica containers. The container of the active manager is killed while clients use the other
 * balancer: no request fails, the other takes the manager role over with the same replica containers, and
 * {@code down} leaves nothing.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class ComposeClusterIT {

  private static final String LEADS = "is the active replica manager";
  /** What all the steps may take together: a slow step fails by its name well before the class's timeout. */
  private static final long BUDGET_MS = 300_000;

  private final String owner = DockerTestSupport.uniqueOwner("lbcc");
  private Compose compose;
  private int[] ports;
  private Vertx vertx;
  private WebClient web;
  private Context context;
  private long startedAt;

  @BeforeAll
  static void dockerAndCompose() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
    Compose.assumeCompose();
  }

  @BeforeEach
  void setUp() throws Exception {
    ports = new int[] {BalancerProcess.freePort(), BalancerProcess.freePort()};
    compose = new Compose(owner, "docker-compose.cluster.yml", Map.of("LB1_PUBLISHED_PORT", String.valueOf(ports[0]),
        "LB2_PUBLISHED_PORT", String.valueOf(ports[1]), "LB1_ADMIN_PUBLISHED_PORT", String.valueOf(BalancerProcess.freePort()),
        "LB2_ADMIN_PUBLISHED_PORT", String.valueOf(BalancerProcess.freePort()), "LB_DOCKER_OWNER", owner,
        "IMAGE", DockerTestSupport.IMAGE));
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    context = vertx.getOrCreateContext();
    startedAt = System.nanoTime();
  }

  @AfterEach
  void cleanUp() throws Exception {
    compose.run("down", "--timeout", "30");
    DockerTestSupport.removeAll(owner, null);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private JsonObject rep(int port) {
    return BalancerProcess.rep(vertx, port);
  }

  /** Waits up to {@code timeoutMs} (less if the test's budget has less left) for {@code what}; says when it holds. */
  private void await(BooleanSupplier condition, long timeoutMs, String what) {
    long left = BUDGET_MS - elapsedMs();
    assertTrue(left > 0, "the test's " + BUDGET_MS + " ms were spent before: " + what);
    BalancerProcess.await(vertx, condition, Math.min(timeoutMs, left), what);
    step(what);
  }

  private long elapsedMs() {
    return (System.nanoTime() - startedAt) / 1_000_000;
  }

  /** A line in the test's output for each step, so that a slow run shows where its time went. */
  private void step(String what) {
    System.out.printf("[ComposeClusterIT +%.1f s] %s%n", elapsedMs() / 1000.0, what);
  }

  private String logs(String service) {
    try {
      return compose.logs(service);
    } catch (Exception e) {
      return "";
    }
  }

  private <T> T onContext(Supplier<Future<T>> work) throws Exception {
    return OnContext.run(context, work).await(60, TimeUnit.SECONDS);
  }

  private List<String> replicaIds(DockerEngine engine) {
    return DockerTestSupport.containers(engine, owner).await().stream().map(c -> c.getString("Id")).sorted().toList();
  }

  @Test
  void killingTheManagersContainerFailsNoRequestAndTheOtherTakesOver() throws Exception {
    assertEquals(0, compose.run("up", "-d", "--no-build"), "compose up");
    step("compose up");
    for (int port : ports) {
      await(() -> rep(port).containsKey("N"), 120_000, "port " + port + " answers /rep");
      await(() -> rep(port).getInteger("N", 0) == 3, 120_000, "N = 3 on port " + port);
    }
    await(() -> logs("lb1").contains(LEADS) || logs("lb2").contains(LEADS), 60_000, "a manager is active");
    int managerSlot = logs("lb1").contains(LEADS) ? 0 : 1;
    String manager = "lb" + (managerSlot + 1);
    String survivor = "lb" + (2 - managerSlot);
    int survivorPort = ports[1 - managerSlot];
    JsonObject before = rep(survivorPort);
    assertEquals(before, rep(ports[managerSlot]), "both balancers show the same set");
    DockerEngine engine = new DockerEngine(vertx, DockerTestSupport.SOCKET);
    List<String> containers = replicaIds(engine);
    assertEquals(3, containers.size());

    ClientLoop loop = onContext(() -> Future.succeededFuture(
        ClientLoop.start(web, survivorPort, "/home", 16, Long.MAX_VALUE, 120_000)));
    vertx.timer(1000).await();
    long killedAt = System.nanoTime();
    assertEquals(0, compose.run("kill", manager), "docker kill of " + manager);
    step("killed " + manager);
    await(() -> logs(survivor).contains(LEADS), 60_000, survivor + " takes the manager role over");
    long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
    await(() -> rep(survivorPort).equals(before), 30_000, "the survivor shows the same replicas");
    vertx.timer(1000).await();
    ClientLoop done = onContext(loop::stop);
    System.out.printf("CLUSTER compose: killed %s (the manager), %s took over in about %d ms; %d requests through %s, "
        + "%d failed%n", manager, survivor, takeoverMs, done.ok() + done.failures().size(), survivor, done.failures().size());
    assertEquals(List.of(), done.failures(), "failed requests through the surviving balancer");
    assertTrue(done.ok() > 100, "the load ran: " + done.ok());
    assertEquals(containers, replicaIds(engine), "the same replica containers, adopted");

    assertEquals(0, compose.run("down", "--timeout", "30"), "compose down");
    await(() -> replicaIds(engine).isEmpty(), 30_000, "no replica container after down");
    engine.close();
  }
}
