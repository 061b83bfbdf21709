package dev.lb;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The balancer started as its own JVM by {@code Main}, as a user starts it, on a free loopback port. */
public final class BalancerProcess {

  public final Process process;
  public final int port;

  private BalancerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * A loopback port free now, which another process may take before it is bound: only for a port that must be told in
   * advance (another JVM's, a cluster's member list, a {@code Deployment}, which reports no port); what reports its own
   * ({@code actualPort()}) binds port 0 instead.
   */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Starts {@code java -cp <test class path> dev.lb.launcher.Main} with {@code env} added to the environment. */
  public static BalancerProcess start(Map<String, String> env) throws IOException {
    return start(env, null);
  }

  /** Like {@link #start(Map)}, writing the balancer's log (and its replicas') to {@code log} if not null. */
  public static BalancerProcess start(Map<String, String> env, Path log) throws IOException {
    return start(env, log, List.of());
  }

  /** Like {@link #start(Map, Path)}, with JVM options for the balancer (a small heap, say). */
  public static BalancerProcess start(Map<String, String> env, Path log, List<String> jvmOptions) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.lb.launcher.Main"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(Map.of("LB_PORT", String.valueOf(port), "LB_HOST", "127.0.0.1", "LB_INSTANCES", "1",
        "LB_ADMIN_PORT", "0"));
    builder.environment().putAll(env);
    return new BalancerProcess(builder.start(), port);
  }

  /** Completes when {@code GET /rep} answers 200; fails after {@code timeoutMs} or if the process exits. */
  public Future<Void> serving(Vertx vertx, long timeoutMs) {
    return serving(vertx, port, timeoutMs, process::isAlive);
  }

  /**
   * Completes when {@code GET /rep} on {@code port} answers 200, polling every 200 ms, each poll on a client of its own
   * (see {@link #rep}).
   */
  public static Future<Void> serving(Vertx vertx, int port, long timeoutMs, BooleanSupplier alive) {
    boolean[] up = new boolean[1];
    long timer = vertx.setPeriodic(200, t -> repAnswer(vertx, port).onSuccess(message -> up[0] = message != null));
    return until(vertx, () -> {
      if (!alive.getAsBoolean()) {
        throw new IllegalStateException("the balancer exited before serving");
      }
      return up[0];
    }, timeoutMs, "balancer answers /rep on port " + port).onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * {@code GET /rep}'s message on {@code port}, or an empty object if it does not answer 200 within 5 s; for polling
   * from a test's thread (it blocks). Each call has a client of its own and starts on a context (see
   * {@link OnContext}): in one run, a shared client polling a port Docker publishes (its proxy accepts and closes until
   * the container listens) logged "Connection evicted" five times and then got no answer for 120 s.
   */
  public static JsonObject rep(Vertx vertx, int port) {
    JsonObject message = OnContext.run(vertx, () -> repAnswer(vertx, port)).await();
    return message != null ? message : new JsonObject();
  }

  private static Future<JsonObject> repAnswer(Vertx vertx, int port) {
    WebClient client = WebClient.create(vertx);
    return client.get(port, "127.0.0.1", "/rep").timeout(5000).send()
        .map(resp -> resp.statusCode() == 200 ? resp.bodyAsJsonObject().getJsonObject("message") : null)
        .otherwise(err -> null)
        .onComplete(ar -> client.close());
  }

  /** Completes when {@code condition} holds, checking every 100 ms; fails after {@code timeoutMs}. */
  public static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMs, String what) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    long timer = vertx.setPeriodic(100, t -> {
      try {
        if (condition.getAsBoolean()) {
          done.tryComplete();
        } else if (System.currentTimeMillis() > deadline) {
          done.tryFail("not within " + timeoutMs + " ms: " + what);
        }
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    });
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * Checks {@code condition} on the calling thread (not an event loop: it may block) every 50 ms until it holds;
   * fails after {@code timeoutMs}. The waits between checks are Vert.x timers.
   */
  public static void await(Vertx vertx, BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within " + timeoutMs + " ms: " + what);
      }
      vertx.timer(50).await();
    }
  }
}
