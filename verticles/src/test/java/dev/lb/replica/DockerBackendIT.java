package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ClientLoop;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The docker backend against a real engine: labelled containers, /add and /rm, docker kill under load. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class DockerBackendIT {

  private String owner;
  private String network;
  private DockerEngine engine;

  @BeforeAll
  static void docker() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    owner = DockerTestSupport.uniqueOwner("lbit");
    network = owner + "-net";
    engine = new DockerEngine(vertx, DockerTestSupport.SOCKET);
  }

  @AfterEach
  void cleanUp() throws Exception {
    DockerTestSupport.removeAll(owner, network);
  }

  private Future<TestSystem> deploy(Vertx vertx) {
    return TestSystem.deployConfigured(vertx, TestSystem.config()
        .put(ConfigKeys.BACKEND, "docker").put(ConfigKeys.DOCKER_OWNER, owner).put(ConfigKeys.DOCKER_NETWORK, network)
        .put(ConfigKeys.DOCKER_IMAGE, DockerTestSupport.IMAGE).put(ConfigKeys.DOCKER_ADDRESS, "published"));
  }

  private Future<Set<String>> containerNames() {
    return DockerTestSupport.containers(engine, owner).map(list -> list.stream()
        .map(c -> c.getJsonArray("Names").getString(0).substring(1)).collect(Collectors.toSet()));
  }

  private static Future<Void> undeployAll(Vertx vertx) {
    return Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).mapEmpty();
  }

  @Test
  void replicasAreLabelledContainersThatAddAndRmCreateAndRemove(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx).compose(system -> DockerTestSupport.containers(engine, owner).compose(list -> {
      ctx.verify(() -> {
        assertEquals(3, list.size());
        for (JsonObject c : list) {
          JsonObject labels = c.getJsonObject("Labels");
          assertEquals("running", c.getString("State"));
          String name = labels.getString(DockerBackend.REPLICA);
          assertEquals(owner + "-" + ReplicaNames.safe(name), c.getJsonArray("Names").getString(0).substring(1));
          assertEquals(name.substring("Server ".length()), labels.getString(DockerBackend.RING_ID));
        }
      });
      return system.get("/home");
    }).compose(home -> {
      ctx.verify(() -> assertEquals(200, home.statusCode()));
      return system.send(HttpMethod.POST, "/add", "{\"n\": 1, \"hostnames\": [\"S 5\"]}");
    }).compose(added -> containerNames().map(names -> {
      ctx.verify(() -> {
        assertEquals(200, added.statusCode());
        assertTrue(names.contains(owner + "-s-5"), "a name with a space gets a safe container name: " + names);
      });
      return names;
    })).compose(v -> system.send(HttpMethod.DELETE, "/rm", "{\"n\": 1, \"hostnames\": [\"S 5\"]}"))
        .compose(removed -> containerNames())
        .compose(names -> {
          ctx.verify(() -> assertEquals(Set.of(owner + "-server-1", owner + "-server-2", owner + "-server-3"), names));
          return undeployAll(vertx);
        })
        .compose(v -> DockerTestSupport.containers(engine, owner)))
        .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
          assertEquals(List.of(), left, "stopping the manager removes every container it owns");
          ctx.completeNow();
        })));
  }

  @Test
  void aKilledContainerIsReplacedWithoutAFailedRequest(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx).compose(system -> DockerTestSupport.containers(engine, owner).compose(list -> {
      String victim = list.stream().filter(c -> "Server 2".equals(c.getJsonObject("Labels").getString(DockerBackend.REPLICA)))
          .findFirst().orElseThrow().getString("Id");
      ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 8, 200_000, 60_000);
      Promise<Void> killed = Promise.promise();
      vertx.setTimer(1000, t -> DockerTestSupport.kill(engine, victim).onComplete(killed));
      return killed.future()
          .compose(v -> system.awaitRep(m -> m.getInteger("N") == 3 && !m.getJsonArray("replicas").contains("Server 2"), 60_000))
          .compose(v -> loop.stop())
          .compose(finished -> DockerTestSupport.containers(engine, owner).map(after -> {
            ctx.verify(() -> {
              assertEquals(List.of(), finished.failures(), "failed requests");
              assertTrue(finished.ok() > 100, "the loop ran: " + finished.ok());
              assertEquals(3, after.size(), "the killed container is removed, its replacement runs");
              assertTrue(after.stream().anyMatch(c -> "2".equals(c.getJsonObject("Labels").getString(DockerBackend.RING_ID))
                  && c.getJsonObject("Labels").getString(DockerBackend.REPLICA).startsWith("replica-")));
            });
            return null;
          }));
    })).compose(v -> undeployAll(vertx))
        .compose(v -> DockerTestSupport.containers(engine, owner))
        .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
          assertEquals(List.of(), left, "stopping the manager removes the replacement too");
          ctx.completeNow();
        })));
  }

  /**
   * An image of one's own: built here from the project's image, but without its replica-command label, listening on
   * 7000 and healthy on {@code /home}: the backend runs the image's own command with PORT, SERVER_ID and the extra
   * environment, probes the other port and path, and routes to it.
   */
  @Test
  void anImageOfOnesOwnRunsItsOwnCommandOnItsOwnPort(Vertx vertx, VertxTestContext ctx) throws Exception {
    String image = "customized-lb-test-replica:latest";
    Process build = new ProcessBuilder("docker", "build", "-q", "-t", image, "--build-arg", "BASE=" + DockerTestSupport.IMAGE, "-")
        .redirectErrorStream(true).start();
    build.getOutputStream().write(("ARG BASE\nFROM ${BASE}\nLABEL dev.lb.replica-command=\"\"\nCMD [\"server\"]\n").getBytes());
    build.getOutputStream().close();
    String output = new String(build.getInputStream().readAllBytes());
    assertTrue(build.waitFor(120, TimeUnit.SECONDS) && build.exitValue() == 0, "docker build: " + output);
    TestSystem.deployConfigured(vertx, TestSystem.config().put(ConfigKeys.BACKEND, "docker").put(ConfigKeys.REPLICAS, 2)
            .put(ConfigKeys.DOCKER_OWNER, owner).put(ConfigKeys.DOCKER_NETWORK, network).put(ConfigKeys.DOCKER_IMAGE, image)
            .put(ConfigKeys.DOCKER_ADDRESS, "published").put(ConfigKeys.DOCKER_PORT, 7000)
            .put(ConfigKeys.DOCKER_ENV, "JAVA_TOOL_OPTIONS=-Xmx32m,GREETING=hi").put(ConfigKeys.REPLICA_HEALTH_PATH, "/home"))
        .compose(system -> system.get("/home").compose(home -> DockerTestSupport.containers(engine, owner)
            .compose(list -> engine.inspect(list.get(0).getString("Id"))).map(info -> {
              ctx.verify(() -> {
                assertEquals(200, home.statusCode(), home.bodyAsString());
                assertTrue(home.bodyAsJsonObject().getString("message").matches("Hello from Server: [12]"));
                JsonObject config = info.getJsonObject("Config");
                assertEquals(List.of("server"), config.getJsonArray("Cmd").getList(), "the image's own command");
                List<?> env = config.getJsonArray("Env").getList();
                assertTrue(env.contains("PORT=7000") && env.contains("GREETING=hi") && env.contains("JAVA_TOOL_OPTIONS=-Xmx32m"),
                    env.toString());
                assertTrue(info.getJsonObject("NetworkSettings").getJsonObject("Ports").containsKey("7000/tcp"));
              });
              return null;
            })))
        .compose(v -> undeployAll(vertx))
        .onComplete(ctx.succeedingThenComplete());
  }
}
