package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lb.BalancerProcess;
import dev.lb.ClientLoop;
import dev.lb.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The repository's docker-stack.yml as a user deploys it, on the single-node swarm of this engine (made by
 * {@code .ci/run}): two clustered balancers as one service, three replicas as Swarm services of the active manager.
 * Both balancers show the same set and route 10,000 keys alike; a named {@code /add} and a named {@code /rm} under load
 * fail no request; a replica's container killed under load fails none and comes back on its ring id; the manager's task
 * killed, the other balancer takes the role over and adopts the same services; {@code docker stack rm} leaves no
 * service, task, container or network.
 *
 * <p>The balancers publish their port in {@code host} mode here, each task on a port of its own: the routing mesh
 * (ingress) needs the kernel's IPVS, which this machine's kernel lacks (dockerd logs "ipvs is not enabled"), so a port
 * published through it is refused on 127.0.0.1.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SwarmStackIT {

  private static final String LEADS = "is the active replica manager";
  private static final int KEYS = 10_000;

  private final String stack = DockerTestSupport.uniqueOwner("lbsw");
  private final String network = stack + "-replicas";
  private Vertx vertx;
  private WebClient web;
  private Context context;
  private DockerEngine engine;

  @BeforeAll
  static void swarm() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
    DockerTestSupport.assumeEngine(engine -> engine.call(HttpMethod.GET, "/info", null).map(info -> {
      JsonObject swarm = ((JsonObject) info).getJsonObject("Swarm", new JsonObject());
      return "active".equals(swarm.getString("LocalNodeState")) && swarm.getBoolean("ControlAvailable", false) ? null
          : "this engine is not a swarm manager (docker swarm init --advertise-addr 127.0.0.1 makes one)";
    }));
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    context = vertx.getOrCreateContext();
    engine = new DockerEngine(vertx, DockerTestSupport.SOCKET);
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      docker("stack", "rm", stack);
      // what the stack's label would not catch (a replica service made without it)
      for (Object s : engine.services(DockerBackend.OWNER + "=" + stack).await(30, TimeUnit.SECONDS)) {
        engine.removeService(((JsonObject) s).getString("ID")).await(30, TimeUnit.SECONDS);
      }
      awaitNothingLeft(60_000);
    } finally {
      engine.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Runs the docker CLI in the repository; its exit code (-1 if it did not end within 2 minutes). */
  private int docker(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("docker"));
    all.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(all).directory(new File(System.getProperty("lb.repository", "..")))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(Map.of("IMAGE", DockerTestSupport.IMAGE, "STACK_PUBLISH_MODE", "host",
        "STACK_PORT", "0", "STACK_NETWORK", network, "LB_DOCKER_OWNER", stack, "LB_KEY", "header:X-Key"));
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private String logs(String container) {
    try {
      Process p = new ProcessBuilder("docker", "logs", container).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (Exception e) {
      return "";
    }
  }

  private static String filters(String key, String... values) {
    return URLEncoder.encode(new JsonObject().put(key, new JsonArray(List.of(values))).encode(), StandardCharsets.UTF_8);
  }

  private List<JsonObject> list(String path) {
    return list(engine, path);
  }

  /** A listing from the engine; it throws, naming the path, if the engine does not answer in time. */
  private static List<JsonObject> list(DockerEngine engine, String path) {
    return ((JsonArray) engine.call(HttpMethod.GET, path, null).await()).stream().map(JsonObject.class::cast).toList();
  }

  /** The running balancer containers by task slot, each with the host port its 5000 is published on. */
  private Map<Integer, Balancer> balancers() {
    Map<Integer, Balancer> found = new TreeMap<>();
    for (JsonObject c : list("/containers/json?filters=" + filters("label", "com.docker.swarm.service.name=" + stack + "_lb"))) {
      String task = c.getJsonObject("Labels").getString("com.docker.swarm.task.name");
      int slot = Integer.parseInt(task.split("\\.")[1]);
      c.getJsonArray("Ports").stream().map(JsonObject.class::cast).filter(p -> p.getInteger("PrivatePort") == 5000
          && p.containsKey("PublicPort")).findFirst().ifPresent(p -> found.put(slot, new Balancer(c.getString("Id"),
          p.getInteger("PublicPort"))));
    }
    return found;
  }

  private record Balancer(String container, int port) { }

  /** The replica services of the stack's manager: ring id by replica name, from their labels. */
  private Map<String, String> replicaServices() {
    Map<String, String> found = new TreeMap<>();
    for (JsonObject s : list("/services?filters=" + filters("label", DockerBackend.OWNER + "=" + stack))) {
      JsonObject labels = s.getJsonObject("Spec").getJsonObject("Labels");
      found.put(labels.getString(DockerBackend.REPLICA), labels.getString(DockerBackend.RING_ID) + " " + s.getString("ID"));
    }
    return found;
  }

  /**
   * What of the stack is left: services, tasks, containers and networks. Asked through a client of its own each time,
   * and a listing the engine does not answer within 20 s counts as something left: while a stack's containers are
   * removed, the engine was seen to hold {@code GET /containers/json} (and once {@code /networks}) that long.
   */
  private List<String> leftovers() {
    DockerEngine fresh = new DockerEngine(vertx, DockerTestSupport.SOCKET);
    try {
      List<String> left = new ArrayList<>();
      listed(fresh, "/services", left).stream().filter(s -> s.getJsonObject("Spec").getString("Name").startsWith(stack))
          .forEach(s -> left.add("service " + s.getJsonObject("Spec").getString("Name")));
      listed(fresh, "/tasks", left).stream().filter(t -> t.getJsonObject("Spec").getJsonObject("ContainerSpec")
              .getJsonObject("Labels", new JsonObject()).getString(SwarmServices.STACK_LABEL, "").equals(stack))
          .forEach(t -> left.add("task " + t.getString("ID")));
      listed(fresh, "/containers/json?all=true&filters=" + filters("label", SwarmServices.STACK_LABEL + "=" + stack), left)
          .forEach(c -> left.add("container " + c.getJsonArray("Names").getString(0)));
      listed(fresh, "/networks", left).stream().filter(n -> n.getString("Name").startsWith(stack))
          .forEach(n -> left.add("network " + n.getString("Name")));
      return left;
    } finally {
      fresh.close();
    }
  }

  /** {@link #list(DockerEngine, String)}, or nothing, with a note in {@code left}, if the engine did not answer. */
  private static List<JsonObject> listed(DockerEngine engine, String path, List<String> left) {
    try {
      return list(engine, path);
    } catch (Exception e) {
      left.add("no answer to GET " + path.replaceAll("\\?.*", "") + " (" + e.getMessage() + ")");
      return List.of();
    }
  }

  /** Waits, looking every second, until nothing of the stack is left; fails with what is left after {@code timeoutMs}. */
  private void awaitNothingLeft(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<String> left = leftovers();
    while (!left.isEmpty()) {
      if (System.currentTimeMillis() > deadline) {
        fail("left " + timeoutMs + " ms after docker stack rm: " + left);
      }
      vertx.timer(1000).await();
      left = leftovers();
    }
  }

  private JsonObject rep(int port) {
    return BalancerProcess.rep(vertx, port);
  }

  private JsonObject admin(HttpMethod method, int port, String path, JsonObject body) {
    return web.request(method, port, "127.0.0.1", path).timeout(120_000).sendBuffer(Buffer.buffer(body.encode()))
        .map(resp -> {
          assertEquals(200, resp.statusCode(), method + " " + path + ": " + resp.bodyAsString());
          return resp.bodyAsJsonObject().getJsonObject("message");
        }).await();
  }

  /** Which replica (its answer, which names its ring id) each of {@code keys} keys reaches through {@code port}. */
  private Map<String, String> owners(int port, int keys) {
    Map<String, String> owners = new HashMap<>();
    List<Future<Void>> window = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      String key = "key-" + k;
      window.add(web.get(port, "127.0.0.1", "/home").putHeader("X-Key", key).timeout(10_000).send().map(resp -> {
        synchronized (owners) {
          owners.put(key, resp.statusCode() + " " + resp.bodyAsJsonObject().getString("message"));
        }
        return null;
      }));
      if (window.size() == 64) {
        Future.all(window).await();
        window.clear();
      }
    }
    Future.all(window).await();
    return owners;
  }

  private void await(BooleanSupplier condition, long timeoutMs, String what) {
    BalancerProcess.await(vertx, condition, timeoutMs, what);
  }

  private <T> T onContext(Supplier<Future<T>> work) {
    return OnContext.run(context, work).await();
  }

  private ClientLoop load(int port) {
    return onContext(() -> Future.succeededFuture(ClientLoop.start(web, port, "/home", 16, Long.MAX_VALUE, 120_000)));
  }

  private ClientLoop stop(ClientLoop loop, String what) {
    ClientLoop done = onContext(loop::stop);
    System.out.printf("SWARM %s: %d requests, %d failed, slowest %d ms%n", what, done.ok() + done.failures().size(),
        done.failures().size(), done.maxLatencyMs());
    assertEquals(List.of(), done.failures(), "failed requests while " + what);
    assertTrue(done.ok() > 50, "the load ran while " + what + ": " + done.ok());
    return done;
  }

  private final long began = System.nanoTime();

  private void phase(String what) {
    System.out.printf("SWARM %5.1f s: %s%n", (System.nanoTime() - began) / 1e9, what);
  }

  @Test
  void theStackBalancesAddsRemovesReplacesFailsOverAndLeavesNothing() throws Exception {
    try {
      scenario();
    } catch (Exception | AssertionError e) {
      // what the balancers said, for the build log: the stack goes with the clean-up
      for (String container : balancerContainers()) {
        String log = logs(container);
        System.out.printf("SWARM log of balancer container %s (last 60 lines):%n%s%n", container,
            log.lines().skip(Math.max(0, log.lines().count() - 60)).collect(Collectors.joining("\n")));
      }
      throw e;
    }
  }

  private List<String> balancerContainers() {
    try {
      return list("/containers/json?all=true&filters=" + filters("label", "com.docker.swarm.service.name=" + stack + "_lb"))
          .stream().map(c -> c.getString("Id")).toList();
    } catch (AssertionError e) {
      return List.of();
    }
  }

  private void scenario() throws Exception {
    long deployAt = System.nanoTime();
    assertEquals(0, docker("stack", "deploy", "--resolve-image", "never", "-c", "docker-stack.yml", stack), "stack deploy");
    // read again each time: a balancer task that ends during start-up comes back on another port
    await(() -> {
      Map<Integer, Balancer> now = balancers();
      return now.size() == 2 && now.values().stream().allMatch(lb -> rep(lb.port()).getInteger("N", 0) == 3);
    }, 150_000, "both balancer tasks run and show N = 3");
    Map<Integer, Balancer> lbs = balancers();
    System.out.printf("SWARM stack: 2 balancers and 3 replicas serving %d ms after docker stack deploy%n",
        (System.nanoTime() - deployAt) / 1_000_000);
    List<String> ended = list("/tasks?filters=" + filters("service", stack + "_lb")).stream()
        .filter(t -> !"running".equals(t.getJsonObject("Status").getString("State")))
        .map(t -> "slot " + t.getInteger("Slot") + ": " + SwarmServices.describe(t)).toList();
    assertEquals(List.of(), ended, "balancer tasks that ended during start-up");
    int[] ports = lbs.values().stream().mapToInt(Balancer::port).toArray();
    JsonObject set = rep(ports[0]);
    assertEquals(set, rep(ports[1]), "/rep on both balancers");
    assertEquals(new TreeSet<>(List.of("Server 1", "Server 2", "Server 3")), replicaServices().keySet(),
        "one service per replica, named by its label");

    phase("both route every key");
    // both route every key to the same replica
    Map<String, String> owners = owners(ports[0], KEYS);
    assertEquals(Set.of("200 Hello from Server: 1", "200 Hello from Server: 2", "200 Hello from Server: 3"),
        Set.copyOf(owners.values()), "keys spread over the 3 replicas");
    Map<String, String> second = owners(ports[1], KEYS);
    long differ = owners.keySet().stream().filter(k -> !owners.get(k).equals(second.get(k))).count();
    assertEquals(0, differ, "keys routed differently by the two balancers");
    System.out.printf("SWARM routing: %d keys through each of 2 balancers, 0 routed differently%n", KEYS);

    phase("a named /add");
    // a named /add and a named /rm under load
    ClientLoop loop = load(ports[1]);
    vertx.timer(500).await();
    long addAt = System.nanoTime();
    JsonObject added = admin(HttpMethod.POST, ports[0], "/add", new JsonObject().put("n", 1)
        .put("hostnames", new JsonArray().add("edge one")));
    long addMs = (System.nanoTime() - addAt) / 1_000_000;
    assertEquals(4, added.getInteger("N"));
    assertTrue(added.getJsonArray("replicas").contains("edge one"), added.encode());
    await(() -> rep(ports[1]).equals(added), 10_000, "the other balancer shows the added replica");
    assertTrue(replicaServices().containsKey("edge one"), "a service of its own: " + replicaServices());
    vertx.timer(1000).await();
    long rmAt = System.nanoTime();
    JsonObject removed = admin(HttpMethod.DELETE, ports[1], "/rm", new JsonObject().put("n", 1)
        .put("hostnames", new JsonArray().add("Server 2")));
    long rmMs = (System.nanoTime() - rmAt) / 1_000_000;
    assertEquals(List.of("Server 1", "Server 3", "edge one"), removed.getJsonArray("replicas").getList());
    await(() -> !replicaServices().containsKey("Server 2"), 30_000, "the service of 'Server 2' is removed");
    vertx.timer(1000).await();
    stop(loop, "adding 'edge one' and removing 'Server 2'");
    System.out.printf("SWARM /add of one named replica took %d ms (service created, task running, health answered); "
        + "the named /rm %d ms (drained, service removed)%n", addMs, rmMs);

    phase("a replica's container killed");
    // a replica's container killed under load: replaced on its ring id, no request fails
    Map<String, String> before = owners(ports[0], 2000);
    String victim = "Server 3";
    String victimService = replicaServices().get(victim).split(" ")[1];
    JsonObject task = list("/tasks?filters=" + filters("service", victimService)).get(0);
    String container = task.getJsonObject("Status").getJsonObject("ContainerStatus").getString("ContainerID");
    loop = load(ports[1]);
    vertx.timer(500).await();
    long killedAt = System.nanoTime();
    DockerTestSupport.kill(engine, container).await(30, TimeUnit.SECONDS);
    await(() -> {
      JsonObject now = rep(ports[1]);
      return now.getInteger("N", 0) == 3 && !now.getJsonArray("replicas").contains(victim);
    }, 60_000, "N back to 3 without the killed replica");
    long backMs = (System.nanoTime() - killedAt) / 1_000_000;
    vertx.timer(1000).await();
    stop(loop, "a replica's container was killed");
    Map<String, String> services = replicaServices();
    assertEquals(3, services.size(), services.toString());
    String successor = services.keySet().stream().filter(n -> !List.of("Server 1", "edge one").contains(n)).findFirst()
        .orElseThrow();
    assertEquals("3", services.get(successor).split(" ")[0], "the successor " + successor + " has the ring id of " + victim);
    assertEquals(before, owners(ports[0], 2000), "every key reaches the same ring id as before the kill");
    System.out.printf("SWARM replica container killed: replaced by '%s' on ring id 3, N = 3 again after %d ms%n", successor,
        backMs);

    phase("the manager's task killed");
    // the manager's task killed: the other balancer takes over and adopts the same services
    await(() -> lbs.values().stream().anyMatch(lb -> logs(lb.container()).contains(LEADS)), 30_000, "a manager leads");
    Balancer manager = lbs.values().stream().filter(lb -> logs(lb.container()).contains(LEADS)).findFirst().orElseThrow();
    Balancer survivor = lbs.values().stream().filter(lb -> lb != manager).findFirst().orElseThrow();
    JsonObject setBefore = rep(survivor.port());
    Map<String, String> servicesBefore = replicaServices();
    loop = load(survivor.port());
    vertx.timer(1000).await();
    long managerKilledAt = System.nanoTime();
    DockerTestSupport.kill(engine, manager.container()).await(30, TimeUnit.SECONDS);
    await(() -> logs(survivor.container()).contains(LEADS), 60_000, "the survivor takes the manager role over");
    long takeoverMs = (System.nanoTime() - managerKilledAt) / 1_000_000;
    await(() -> logs(survivor.container()).contains("3 replicas adopted"), 30_000, "the survivor adopts the 3 services");
    vertx.timer(1000).await();
    stop(loop, "the manager's task was killed");
    assertEquals(setBefore.getJsonArray("replicas"), rep(survivor.port()).getJsonArray("replicas"), "the same replicas");
    assertEquals(servicesBefore, replicaServices(), "the same services, adopted, not made again");
    phase("took over; waiting for the killed balancer's task to come back");
    await(() -> balancers().size() == 2, 60_000, "Swarm restarts the killed balancer's task");
    Balancer restarted = balancers().values().stream().filter(lb -> !lb.container().equals(survivor.container())).findFirst()
        .orElseThrow();
    assertNotEquals(manager.container(), restarted.container());
    await(() -> rep(restarted.port()).getJsonArray("replicas", new JsonArray()).equals(setBefore.getJsonArray("replicas")),
        120_000, "the restarted balancer joins and shows the same set");
    System.out.printf("SWARM manager task killed: the other balancer took over in about %d ms and adopted the 3 services%n",
        takeoverMs);

    phase("docker stack rm leaves nothing");
    // docker stack rm leaves nothing
    long rmStackAt = System.nanoTime();
    assertEquals(0, docker("stack", "rm", stack), "stack rm");
    awaitNothingLeft(120_000);
    System.out.printf("SWARM docker stack rm: nothing left after %d ms%n", (System.nanoTime() - rmStackAt) / 1_000_000);
    assertEquals(Map.of(), replicaServices());
  }
}
