package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;

/**
 * What the Docker integration tests share: whether an engine and the image are there (required when
 * {@code LB_DOCKER_TESTS=required}, as in CI; skipped otherwise), unique owners, and clean-up through the API.
 */
final class DockerTestSupport {

  static final String SOCKET = "/var/run/docker.sock";
  static final String IMAGE = System.getProperty("lb.docker.image", "customized-lb:latest");

  private DockerTestSupport() {}

  /** A fresh owner label value, so tests never touch containers that are not their own. */
  static String uniqueOwner(String prefix) {
    byte[] bytes = new byte[3];
    ThreadLocalRandom.current().nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }

  /** Skips (or, where required, fails) unless the engine answers and the image exists. Call off any event loop. */
  static void assumeDockerAndImage() throws Exception {
    assumeEngine(engine -> engine.call(HttpMethod.GET, "/images/" + IMAGE + "/json", null)
        .<String>map(image -> null)
        .otherwise(err -> "Docker engine or image " + IMAGE + " not available: " + err.getMessage()));
  }

  /**
   * Skips (or, where required, fails) with what {@code check} finds wrong with the engine (null: nothing), asked
   * through a client of its own. Call off any event loop.
   */
  static void assumeEngine(Function<DockerEngine, Future<String>> check) throws Exception {
    Vertx vertx = Vertx.vertx();
    DockerEngine engine = new DockerEngine(vertx, SOCKET);
    String problem;
    try {
      problem = check.apply(engine).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      problem = "the Docker engine did not answer: " + e;
    } finally {
      engine.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (problem != null) {
      if ("required".equals(System.getenv("LB_DOCKER_TESTS"))) {
        fail(problem + " (LB_DOCKER_TESTS=required)");
      }
      Assumptions.abort(problem);
    }
  }

  static Future<List<JsonObject>> containers(DockerEngine engine, String owner) {
    return engine.containers(DockerBackend.OWNER + "=" + owner)
        .map(list -> list.stream().map(JsonObject.class::cast).toList());
  }

  static Future<Void> kill(DockerEngine engine, String id) {
    return engine.call(HttpMethod.POST, "/containers/" + id + "/kill", null).mapEmpty();
  }

  /** Removes every container of {@code owner} and the network, if any; for clean-up after a test. */
  static void removeAll(String owner, String network) throws Exception {
    Vertx vertx = Vertx.vertx();
    DockerEngine engine = new DockerEngine(vertx, SOCKET);
    try {
      JsonArray left = engine.containers(DockerBackend.OWNER + "=" + owner).await(30, TimeUnit.SECONDS);
      for (Object c : left) {
        engine.stopAndRemove(((JsonObject) c).getString("Id"), 0).await(30, TimeUnit.SECONDS);
      }
      if (network != null) {
        engine.call(HttpMethod.DELETE, "/networks/" + network, null).otherwiseEmpty().await(30, TimeUnit.SECONDS);
      }
    } finally {
      engine.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
