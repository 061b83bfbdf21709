package dev.lb.replica;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waits until a freshly started replica answers its health path with a 2xx status. */
public final class Readiness {

  private static final long RETRY_MS = 40;
  private static final long PROBE_TIMEOUT_MS = 1000;

  private final Vertx vertx;
  private final WebClient client;
  private final String path;

  public Readiness(Vertx vertx, WebClient client, String path) {
    this.vertx = vertx;
    this.client = client;
    this.path = path;
  }

  /** Completes when the replica is ready; fails if {@code alive} turns false or {@code timeoutMs} passes. */
  public Future<Void> await(String name, String host, int port, long timeoutMs, BooleanSupplier alive) {
    Promise<Void> ready = Promise.promise();
    poll(name, host, port, System.nanoTime() + timeoutMs * 1_000_000, timeoutMs, alive, ready);
    return ready.future();
  }

  /** One probe: whether the replica answers its health path with a 2xx now. */
  Future<Boolean> answers(String host, int port) {
    return client.get(port, host, path).timeout(PROBE_TIMEOUT_MS).send()
        .map(resp -> resp.statusCode() / 100 == 2).otherwise(false);
  }

  private void poll(String name, String host, int port, long deadline, long timeoutMs, BooleanSupplier alive,
      Promise<Void> ready) {
    answers(host, port).onSuccess(ok -> {
      if (ok) {
        ready.complete();
      } else if (!alive.getAsBoolean()) {
        ready.fail(new IllegalStateException("replica '" + name + "' exited before it was ready"));
      } else if (System.nanoTime() > deadline) {
        ready.fail(new TimeoutException("replica '" + name + "' did not answer " + path + " on " + host + ":" + port
            + " with 2xx within " + timeoutMs + " ms"));
      } else {
        vertx.setTimer(RETRY_MS, t -> poll(name, host, port, deadline, timeoutMs, alive, ready));
      }
    });
  }
}
