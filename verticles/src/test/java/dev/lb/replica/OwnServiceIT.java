package dev.lb.replica;

import dev.lb.Processes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lb.BalancerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private BalancerProcess balancer;
  private Vertx vertx;
  private WebClient web;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(Path.of("target", "own-service-it"));
    balancer = BalancerProcess.start(Map.of("LB_REPLICA_COMMAND", "python3 " + SERVER, "LB_HEALTH_PATH", "/health",
        "LB_HASH", "murmur3"),
        Path.of("target", "own-service-it", "balancer.log"));
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    balancer.serving(vertx, 60_000).await();
  }

  @AfterEach
  void stop() throws Exception {
    balancer.process.destroyForcibly();
    pythons().forEach(ProcessHandle::destroyForcibly);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The replica processes: the balancer's Python children. */
  private List<ProcessHandle> pythons() {
    return balancer.process.descendants().filter(p -> Processes.arguments(p).contains(SERVER.toString())).toList();
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
}
