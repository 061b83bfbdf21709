package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lb.BalancerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real balancer JVM with the docker backend: killed with SIGKILL, its containers keep running and the next
 * balancer adopts them (same containers, no duplicates); stopped with SIGTERM, it leaves no container behind.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class DockerRestartIT {

  private final String owner = DockerTestSupport.uniqueOwner("lbrs");
  private final String network = owner + "-net";
  private BalancerProcess balancer;

  @BeforeAll
  static void docker() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (balancer != null) {
      balancer.process.destroyForcibly();
    }
    DockerTestSupport.removeAll(owner, network);
  }

  private BalancerProcess start() throws Exception {
    balancer = BalancerProcess.start(Map.of("LB_BACKEND", "docker", "LB_REPLICAS", "2", "LB_DOCKER_OWNER", owner,
        "LB_DOCKER_NETWORK", network, "LB_DOCKER_IMAGE", DockerTestSupport.IMAGE));
    return balancer;
  }

  private static Future<Set<String>> ids(DockerEngine engine, String owner) {
    return DockerTestSupport.containers(engine, owner)
        .map(list -> list.stream().map(c -> c.getString("Id")).collect(Collectors.toSet()));
  }

  @Test
  void aRestartedBalancerAdoptsItsContainersAndAStoppedOneLeavesNone(Vertx vertx, VertxTestContext ctx) throws Exception {
    DockerEngine engine = new DockerEngine(vertx, DockerTestSupport.SOCKET);
    WebClient client = WebClient.create(vertx);
    BalancerProcess first = start();
    first.serving(vertx, 90_000)
        .compose(v -> ids(engine, owner))
        .compose(before -> {
          first.process.destroyForcibly();
          return BalancerProcess.until(vertx, () -> !first.process.isAlive(), 10_000, "balancer killed")
              .compose(v -> ids(engine, owner))
              .compose(afterKill -> {
                ctx.verify(() -> assertEquals(before, afterKill, "containers outlive a killed balancer"));
                try {
                  return start().serving(vertx, 90_000);
                } catch (Exception e) {
                  return Future.failedFuture(e);
                }
              })
              .compose(v -> client.get(balancer.port, "127.0.0.1", "/rep").send())
              .compose(rep -> ids(engine, owner).map(adopted -> {
                JsonObject message = rep.bodyAsJsonObject().getJsonObject("message");
                ctx.verify(() -> {
                  assertEquals(List.of("Server 1", "Server 2"), message.getJsonArray("replicas").getList());
                  assertEquals(before, adopted, "the same containers, adopted, none started again");
                });
                return null;
              }));
        })
        .compose(v -> client.get(balancer.port, "127.0.0.1", "/home").send())
        .compose(home -> {
          ctx.verify(() -> assertEquals(200, home.statusCode(), "adopted replicas serve"));
          balancer.process.destroy();
          return BalancerProcess.until(vertx, () -> !balancer.process.isAlive(), 60_000, "balancer stops on SIGTERM");
        })
        .compose(v -> DockerTestSupport.containers(engine, owner))
        .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
          assertEquals(List.of(), left, "no labelled container after SIGTERM");
          ctx.completeNow();
        })));
  }
}
