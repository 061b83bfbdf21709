package dev.lb.replica;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waits until a freshly started replica answers {@code GET /heartbeat} with 200. */
final class Readiness {

  private static final long RETRY_MS = 40;
  private static final long PROBE_TIMEOUT_MS = 1000;

  private final Vertx vertx;
  private final WebClient client;

  Readiness(Vertx vertx, WebClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /** Completes when the replica is ready; fails if {@code alive} turns false or {@code timeoutMs} passes. */
  Future<Void> await(String name, String host, int port, long timeoutMs, BooleanSupplier alive) {
    Promise<Void> ready = Promise.promise();
    poll(name, host, port, System.nanoTime() + timeoutMs * 1_000_000, timeoutMs, alive, ready);
    return ready.future();
  }

  private void poll(String name, String host, int port, long deadline, long timeoutMs, BooleanSupplier alive,
      Promise<Void> ready) {
    client.get(port, host, "/heartbeat").timeout(PROBE_TIMEOUT_MS).send().onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        ready.complete();
      } else if (!alive.getAsBoolean()) {
        ready.fail(new IllegalStateException("replica '" + name + "' exited before it was ready"));
      } else if (System.nanoTime() > deadline) {
        ready.fail(new TimeoutException("replica '" + name + "' did not answer /heartbeat on " + host + ":" + port
            + " within " + timeoutMs + " ms"));
      } else {
        vertx.setTimer(RETRY_MS, t -> poll(name, host, port, deadline, timeoutMs, alive, ready));
      }
    });
  }
}
