package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The repository's docker-compose.yml as a user runs it: the balancer in a container spawns its replicas as
 * containers on net1 and reaches them by name; a killed replica is replaced; {@code down} leaves nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class ComposeIT {

  private static List<String> compose;
  private final String owner = DockerTestSupport.uniqueOwner("lbco");
  private int port;

  @BeforeAll
  static void dockerAndCompose() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
    for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      if (run(candidate, List.of("version"), 30) == 0) {
        compose = candidate;
        return;
      }
    }
    if ("required".equals(System.getenv("LB_DOCKER_TESTS"))) {
      throw new AssertionError("neither 'docker compose' nor 'docker-compose' runs (LB_DOCKER_TESTS=required)");
    }
    Assumptions.abort("no docker compose command");
  }

  private static int run(List<String> command, List<String> args, long timeoutS) {
    List<String> all = new ArrayList<>(command);
    all.addAll(args);
    try {
      Process p = new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Runs compose with this test's project, port, owner and image; returns its exit code. */
  private int compose(String... args) throws Exception {
    List<String> all = new ArrayList<>(compose);
    all.addAll(List.of("-p", owner, "-f", "docker-compose.yml"));
    all.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(all).directory(new File(System.getProperty("lb.repository", "..")))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("LB_PUBLISHED_PORT", String.valueOf(port));
    builder.environment().put("LB_DOCKER_OWNER", owner);
    builder.environment().put("IMAGE", DockerTestSupport.IMAGE);
    Process p = builder.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  @AfterEach
  void cleanUp() throws Exception {
    compose("down", "--timeout", "30");
    DockerTestSupport.removeAll(owner, null);
  }

  @Test
  void composeUpServesReplacesAndDownLeavesNothing(Vertx vertx, VertxTestContext ctx) throws Exception {
    port = BalancerProcess.freePort();
    DockerEngine engine = new DockerEngine(vertx, DockerTestSupport.SOCKET);
    WebClient client = WebClient.create(vertx);
    vertx.executeBlocking(() -> compose("up", "-d", "--no-build"))
        .compose(code -> {
          ctx.verify(() -> assertEquals(0, code, "compose up"));
          return BalancerProcess.serving(vertx, port, 120_000, () -> true);
        })
        .compose(v -> client.get(port, "127.0.0.1", "/home").send())
        .compose(home -> {
          ctx.verify(() -> assertEquals(200, home.statusCode()));
          return DockerTestSupport.containers(engine, owner);
        })
        .compose(replicas -> {
          ctx.verify(() -> {
            assertEquals(3, replicas.size());
            replicas.forEach(c -> assertTrue(c.getJsonObject("NetworkSettings").getJsonObject("Networks").containsKey("net1")));
          });
          JsonObject victim = replicas.get(0);
          String name = victim.getJsonObject("Labels").getString(DockerBackend.REPLICA);
          return DockerTestSupport.kill(engine, victim.getString("Id")).compose(v -> awaitReplaced(vertx, client, name));
        })
        .compose(v -> vertx.executeBlocking(() -> compose("down", "--timeout", "30")))
        .compose(code -> DockerTestSupport.containers(engine, owner).map(left -> {
          ctx.verify(() -> {
            assertEquals(0, code, "compose down");
            assertEquals(List.of(), left, "no replica container after down");
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> awaitReplaced(Vertx vertx, WebClient client, String name) {
    JsonObject[] last = new JsonObject[1];
    long timer = vertx.setPeriodic(200, t -> client.get(port, "127.0.0.1", "/rep").send()
        .onSuccess(resp -> last[0] = resp.bodyAsJsonObject().getJsonObject("message")));
    return BalancerProcess.until(vertx, () -> last[0] != null && last[0].getInteger("N") == 3
        && !last[0].getJsonArray("replicas").contains(name), 60_000, "'" + name + "' replaced")
        .onComplete(ar -> vertx.cancelTimer(timer));
  }
}
