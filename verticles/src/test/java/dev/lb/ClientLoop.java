package dev.lb;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded concurrent client: {@code concurrency} requests in flight on {@code GET path} until stopped, or until
 * {@code maxRequests} or {@code maxMillis} is reached. Counts what came back.
 */
public final class ClientLoop {

  private final WebClient client;
  private final String host;
  private final int port;
  private final String path;
  private final long maxRequests;
  private final long deadline;
  private final Promise<ClientLoop> done = Promise.promise();
  private final List<String> failures = new ArrayList<>();
  private final List<Long> failedAt = new ArrayList<>();
  private boolean stopped;
  private int inFlight;
  private long sent;
  private long ok;
  private long maxLatencyMs;

  private ClientLoop(WebClient client, String host, int port, String path, long maxRequests, long maxMillis) {
    this.client = client;
    this.host = host;
    this.port = port;
    this.path = path;
    this.maxRequests = maxRequests;
    this.deadline = System.currentTimeMillis() + maxMillis;
  }

  /** Starts the loop; call from the event loop that owns {@code client}'s context. */
  public static ClientLoop start(WebClient client, int port, String path, int concurrency, long maxRequests, long maxMillis) {
    return start(client, "127.0.0.1", port, path, concurrency, maxRequests, maxMillis);
  }

  /** Like {@link #start(WebClient, int, String, int, long, long)}, to a balancer on {@code host}. */
  public static ClientLoop start(WebClient client, String host, int port, String path, int concurrency, long maxRequests,
      long maxMillis) {
    ClientLoop loop = new ClientLoop(client, host, port, path, maxRequests, maxMillis);
    for (int k = 0; k < concurrency; k++) {
      loop.next();
    }
    return loop;
  }

  private void next() {
    if (stopped || sent >= maxRequests || System.currentTimeMillis() > deadline) {
      if (inFlight == 0) {
        done.tryComplete(this);
      }
      return;
    }
    sent++;
    inFlight++;
    long began = System.nanoTime();
    client.get(port, host, path).timeout(30_000).send().onComplete(ar -> {
      inFlight--;
      maxLatencyMs = Math.max(maxLatencyMs, (System.nanoTime() - began) / 1_000_000);
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        ok++;
      } else {
        failures.add(ar.succeeded() ? ar.result().statusCode() + " " + ar.result().bodyAsString() : ar.cause().toString());
        failedAt.add(System.currentTimeMillis());
      }
      next();
    });
  }

  /** Stops sending; completes when every request in flight has come back. */
  public Future<ClientLoop> stop() {
    stopped = true;
    if (inFlight == 0) {
      done.tryComplete(this);
    }
    return done.future();
  }

  public long ok() {
    return ok;
  }

  /** The longest a request took, in ms. */
  public long maxLatencyMs() {
    return maxLatencyMs;
  }

  public List<String> failures() {
    return failures;
  }

  /** When each failure came back (ms since the epoch), in the order of {@link #failures()}. */
  public List<Long> failedAt() {
    return failedAt;
  }

  /** Failures that came back within {@code [from, to]} (ms since the epoch). */
  public long failuresBetween(long from, long to) {
    return failedAt.stream().filter(t -> t >= from && t <= to).count();
  }
}
