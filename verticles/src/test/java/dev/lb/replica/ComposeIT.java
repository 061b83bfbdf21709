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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
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

  private final String owner = DockerTestSupport.uniqueOwner("lbco");
  private int port;
  private Compose compose;

  @BeforeAll
  static void dockerAndCompose() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
    Compose.assumeCompose();
  }

  private static int freePort() {
    try {
      return BalancerProcess.freePort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Runs compose with this test's project, port, owner and image; returns its exit code. */
  private int compose(String... args) throws Exception {
    if (compose == null) {
      compose = new Compose(owner, "docker-compose.yml",
          Map.of("LB_PUBLISHED_PORT", String.valueOf(port), "LB_ADMIN_PUBLISHED_PORT", String.valueOf(freePort()),
              "LB_DOCKER_OWNER", owner, "IMAGE", DockerTestSupport.IMAGE));
    }
    return compose.run(args);
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
