package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The balancer as its own JVM, started by Main as a user would: however it ends, its replicas end with it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class NoOrphansTest {

  private Process balancer;
  private List<ProcessHandle> replicas = List.of();

  @AfterEach
  void cleanUp() {
    if (balancer != null) {
      balancer.destroyForcibly();
    }
    replicas.forEach(ProcessHandle::destroyForcibly);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private int startBalancer() throws IOException {
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("LB_PORT", String.valueOf(port));
    builder.environment().put("LB_HOST", "127.0.0.1");
    builder.environment().put("LB_REPLICAS", "2");
    builder.environment().put("LB_INSTANCES", "1");
    balancer = builder.start();
    return port;
  }

  /** Completes when {@code condition} holds, checking every 100 ms; fails after {@code timeoutMs}. */
  private static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMs, String what) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    long timer = vertx.setPeriodic(100, t -> {
      if (condition.getAsBoolean()) {
        done.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        done.tryFail("not within " + timeoutMs + " ms: " + what);
      }
    });
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private Future<Void> balancerServing(Vertx vertx, int port) {
    WebClient client = WebClient.create(vertx);
    boolean[] up = new boolean[1];
    long timer = vertx.setPeriodic(200, t -> client.get(port, "127.0.0.1", "/rep").send()
        .onSuccess(resp -> up[0] = resp.statusCode() == 200));
    return until(vertx, () -> up[0], 45_000, "balancer answers /rep").onComplete(ar -> {
      vertx.cancelTimer(timer);
      client.close();
    });
  }

  private void runAndEnd(Vertx vertx, VertxTestContext ctx, Runnable end) throws IOException {
    int port = startBalancer();
    balancerServing(vertx, port)
        .map(v -> {
          replicas = balancer.descendants().toList();
          ctx.verify(() -> assertEquals(2, replicas.size(), "two replica processes"));
          end.run();
          return null;
        })
        .compose(v -> until(vertx, () -> replicas.stream().noneMatch(ProcessHandle::isAlive), 15_000,
            "every replica exits"))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          replicas.forEach(p -> assertFalse(p.isAlive()));
          ctx.completeNow();
        })));
  }

  @Test
  void killingTheBalancerWithSigkillLeavesNoReplica(Vertx vertx, VertxTestContext ctx) throws IOException {
    runAndEnd(vertx, ctx, () -> balancer.destroyForcibly());
  }

  @Test
  void stoppingTheBalancerWithSigtermStopsItsReplicas(Vertx vertx, VertxTestContext ctx) throws IOException {
    runAndEnd(vertx, ctx, () -> balancer.destroy());
  }
}
