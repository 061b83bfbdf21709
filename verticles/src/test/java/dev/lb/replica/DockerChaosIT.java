package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.Chaos;
import dev.lb.TestSystem;
import dev.lb.bus.ReplicaInfo;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Chaos with the docker backend: a minute of load while a random replica container is killed every few seconds. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
class DockerChaosIT {

  private final String owner = DockerTestSupport.uniqueOwner("lbch");
  private final String network = owner + "-net";

  @BeforeAll
  static void docker() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
  }

  @AfterEach
  void cleanUp() throws Exception {
    DockerTestSupport.removeAll(owner, network);
  }

  @Test
  void killingRandomContainersForAMinuteFailsNoRequest(Vertx vertx, VertxTestContext ctx) {
    DockerEngine engine = new DockerEngine(vertx, DockerTestSupport.SOCKET);
    TestSystem.deployConfigured(vertx, TestSystem.config().put(ConfigKeys.BACKEND, "docker")
            .put(ConfigKeys.DOCKER_OWNER, owner).put(ConfigKeys.DOCKER_NETWORK, network)
            .put(ConfigKeys.DOCKER_IMAGE, DockerTestSupport.IMAGE))
        .compose(system -> Chaos.run(vertx, system, "docker (docker kill)", 3, ProcessChaosIT.SECONDS, 2000,
                () -> system.replicas().compose(replicas -> {
                  ReplicaInfo victim = replicas.get(ThreadLocalRandom.current().nextInt(replicas.size()));
                  return DockerTestSupport.containers(engine, owner).compose(list -> {
                    String id = list.stream().filter(c -> victim.name().equals(c.getJsonObject("Labels").getString(DockerBackend.REPLICA)))
                        .findFirst().orElseThrow().getString("Id");
                    return DockerTestSupport.kill(engine, id).map(victim.name());
                  });
                }))
            .compose(figures -> system.replicas().compose(replicas -> DockerTestSupport.containers(engine, owner).map(list -> {
              System.out.println(figures.summary());
              ctx.verify(() -> {
                assertEquals(List.of(), figures.failures(), "failed GET requests");
                assertTrue(figures.kills() >= ProcessChaosIT.SECONDS / 8, "kills: " + figures.kills());
                Set<String> listed = replicas.stream().map(ReplicaInfo::name).collect(Collectors.toSet());
                Set<String> running = list.stream().filter(c -> "running".equals(c.getString("State")))
                    .map(c -> c.getJsonObject("Labels").getString(DockerBackend.REPLICA)).collect(Collectors.toSet());
                assertEquals(listed, running, "/rep lists exactly the containers that run");
                assertEquals(listed.size(), list.size(), "no dead container left behind");
              });
              return null;
            }))))
        .compose(v -> Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()))
        .compose(v -> DockerTestSupport.containers(engine, owner))
        .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
          assertEquals(List.<JsonObject>of(), left, "no container outlives the manager");
          ctx.completeNow();
        })));
  }
}
