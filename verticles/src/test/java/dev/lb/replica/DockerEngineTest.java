package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The engine's client against a stand-in engine on a Unix socket of the test's own. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DockerEngineTest {

  @TempDir
  Path dir;

  @Test
  void aCallTheEngineLeavesUnansweredFailsInItsTimeAndTheNextGoesThrough(Vertx vertx) throws Exception {
    AtomicInteger asked = new AtomicInteger();
    // the first request is never answered; the others get an empty listing
    HttpServer engineStandIn = vertx.createHttpServer().requestHandler(req -> {
      if (asked.incrementAndGet() > 1) {
        req.response().putHeader("Content-Type", "application/json").end("[]");
      }
    });
    String socket = dir.resolve("docker.sock").toString();
    engineStandIn.listen(SocketAddress.domainSocketAddress(socket)).await();
    DockerEngine engine = new DockerEngine(vertx, socket, 500);

    long started = System.nanoTime();
    Throwable unanswered = engine.call(HttpMethod.GET, "/containers/json?all=true", null)
        .map(reply -> (Throwable) null).otherwise(err -> err).await();
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertInstanceOf(TimeoutException.class, unanswered);
    assertEquals("Docker engine: GET /containers/json unanswered after 500 ms", unanswered.getMessage());
    assertTrue(tookMs < 5_000, "failed after " + tookMs + " ms");

    assertEquals(new JsonArray(), engine.containers("lb.owner=test").await(), "the next call is answered");
    assertEquals(2, asked.get());
    engine.close();
  }

  @Test
  void callsFromOutsideVertxAreAllAnswered(Vertx vertx) throws Exception {
    HttpServer engineStandIn = vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end("[]"));
    String socket = dir.resolve("docker.sock").toString();
    engineStandIn.listen(SocketAddress.domainSocketAddress(socket)).await();
    DockerEngine engine = new DockerEngine(vertx, socket, 5_000);
    // made from the test's thread; each would otherwise risk a body that never comes (see DockerEngine#call)
    for (int k = 0; k < 1_000; k++) {
      assertEquals(new JsonArray(), engine.containers("lb.owner=test").await(2, TimeUnit.SECONDS), "call " + k);
    }
    engine.close();
  }
}
