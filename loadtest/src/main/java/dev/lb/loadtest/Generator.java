package dev.lb.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import me.tongfei.progressbar.ProgressBar;

/**
 * Sends a fixed number of requests with at most {@code concurrency} in flight, on keep-alive connections, and
 * counts which replica answered each (from its {@code "Hello from Server: <id>"} reply).
 */
final class Generator {

  private static final String HELLO = "Hello from Server: ";
  private static final long REQUEST_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final WebClient client;

  Generator(Vertx vertx, int maxConnections) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setUserAgentEnabled(false),
        new PoolOptions().setHttp1MaxSize(maxConnections));
  }

  /** What to send: a path, and optionally a header whose value depends on the request's index. */
  record Plan(String host, int port, String path, int requests, int concurrency, long maxMillis, String header,
      IntFunction<String> headerValue, BiConsumer<Integer, String> answeredBy, ProgressBar progress) {

    Plan(String host, int port, String path, int requests, int concurrency) {
      this(host, port, path, requests, concurrency, 0, null, null, null, null);
    }

    Plan withProgress(ProgressBar bar) {
      return new Plan(host, port, path, requests, concurrency, maxMillis, header, headerValue, answeredBy, bar);
    }

    Plan withKeys(String header, IntFunction<String> value, BiConsumer<Integer, String> answeredBy) {
      return new Plan(host, port, path, requests, concurrency, maxMillis, header, value, answeredBy, progress);
    }

    /** Stops sending after {@code millis} even if not all requests were sent. */
    Plan lasting(long millis) {
      return new Plan(host, port, path, requests, concurrency, millis, header, headerValue, answeredBy, progress);
    }
  }

  Future<Run> run(Plan plan) {
    Promise<Run> done = Promise.promise();
    vertx.runOnContext(v -> new Batch(plan, done).begin());
    return done.future();
  }

  /** One batch on one event loop: no locks, counters are plain fields. */
  private final class Batch {
    private final Plan plan;
    private final Promise<Run> done;
    private final Run run = new Run();
    private int sent;
    private int inFlight;
    private long startNanos;

    Batch(Plan plan, Promise<Run> done) {
      this.plan = plan;
      this.done = done;
    }

    void begin() {
      run.startMillis = System.currentTimeMillis();
      startNanos = System.nanoTime();
      for (int k = 0; k < Math.min(plan.concurrency(), plan.requests()); k++) {
        next();
      }
      if (plan.requests() == 0) {
        finish();
      }
    }

    private void next() {
      if (sent >= plan.requests()
          || plan.maxMillis() > 0 && System.currentTimeMillis() - run.startMillis >= plan.maxMillis()) {
        if (inFlight == 0) {
          finish();
        }
        return;
      }
      int index = sent++;
      inFlight++;
      HttpRequest<Buffer> request = client.get(plan.port(), plan.host(), plan.path()).timeout(REQUEST_TIMEOUT_MS);
      if (plan.header() != null) {
        request.putHeader(plan.header(), plan.headerValue().apply(index));
      }
      long began = System.nanoTime();
      request.send().onComplete(ar -> {
        inFlight--;
        HttpResponse<Buffer> resp = ar.succeeded() ? ar.result() : null;
        String replica = resp == null ? null : replicaOf(resp);
        boolean ok = resp != null && resp.statusCode() == 200;
        run.record(resp == null ? 0 : resp.statusCode(), replica, System.nanoTime() - began, System.currentTimeMillis(), ok);
        if (plan.answeredBy() != null) {
          plan.answeredBy().accept(index, replica);
        }
        if (plan.progress() != null) {
          plan.progress().step();
        }
        next();
      });
    }

    private void finish() {
      run.wallNanos = System.nanoTime() - startNanos;
      done.tryComplete(run);
    }
  }

  /**
   * The replica that answered a {@code /home} reply, or null for any other reply. The reply names the server id (the
   * ring id), and the replica of ring id {@code k} is {@code Server k} unless it was given another name or replaced:
   * never so in the analysis, whose replicas are all started with generated names.
   */
  static String replicaOf(HttpResponse<Buffer> resp) {
    if (resp.statusCode() != 200 || resp.body() == null) {
      return null;
    }
    try {
      String message = new JsonObject(resp.body()).getString("message");
      return message != null && message.startsWith(HELLO) ? "Server " + message.substring(HELLO.length()) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  WebClient client() {
    return client;
  }

  void close() {
    client.close();
  }
}
