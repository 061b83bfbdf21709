package dev.lb.loadtest.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Load from this JVM, for the analysis and for the bench: each run on one event loop, over keep-alive connections, as
 * its {@link Plan} says: a closed loop (a number of requests, or for a time) or a fixed rate. It counts every request it
 * meant to send, answered or not, and can read which replica answered each (from its
 * {@code "Hello from Server: <id>"} reply).
 */
public final class LoadGenerator {

  private static final String HELLO = "Hello from Server: ";
  private static final long TICK_MS = 1;
  /** How long after its end a fixed-rate run still waits for due requests to be sent before giving up on them. */
  private static final long GRACE_MS = 1000;

  private final Vertx vertx;
  private final HttpClientAgent client;

  /** A generator whose runs together use at most {@code maxConnections} connections per target. */
  public LoadGenerator(Vertx vertx, int maxConnections) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(maxConnections));
  }

  /** Runs {@code plan}; the future completes once every request is answered or given up on. */
  public Future<Run> run(Plan plan) {
    Promise<Run> done = Promise.promise();
    vertx.runOnContext(v -> new Batch(plan, done).begin());
    return done.future();
  }

  /** Closes the connections; closing its Vert.x does too. */
  public Future<Void> close() {
    return client.close();
  }

  /**
   * The replica that answered a {@code /home} reply, or null for any other reply. The reply names the server id (the
   * ring id), and the replica of ring id {@code k} is {@code Server k} unless it was given another name or replaced:
   * never so in the analysis, whose replicas are all started with generated names.
   */
  static String replicaOf(int status, Buffer body) {
    if (status != 200 || body == null) {
      return null;
    }
    try {
      String message = new JsonObject(body).getString("message");
      return message != null && message.startsWith(HELLO) ? "Server " + message.substring(HELLO.length()) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A status and the replica that sent it (null if not asked or not named). */
  private record Reply(int status, String replica) { }

  /** One run, confined to the event loop it began on: no locks, counters are plain fields. */
  private final class Batch {
    private final Plan plan;
    private final Promise<Run> done;
    private final boolean paced;
    private final long total;
    private Recorder recorder;
    private long sent;
    private long completed;
    private int inFlight;

    Batch(Plan plan, Promise<Run> done) {
      this.plan = plan;
      this.done = done;
      this.paced = plan.rate() > 0;
      this.total = paced ? plan.paced() : plan.requests();
    }

    void begin() {
      recorder = new Recorder();
      if (paced) {
        vertx.setPeriodic(TICK_MS, this::tick);
      }
      sendDue();
    }

    /** A fixed-rate run's clock: sends what is due, and gives up on the rest a grace period after the end. */
    private void tick(long timer) {
      sendDue();
      if (sent == total || System.nanoTime() - recorder.startNanos() >= TimeUnit.MILLISECONDS.toNanos(plan.durationMs() + GRACE_MS)) {
        vertx.cancelTimer(timer);
        giveUp();
      }
    }

    /**
     * Sends while fewer than {@code concurrency} are in flight and more are due: at a fixed rate, request k is due at
     * start + k / rate, and one due while all are busy waits, its latency still counting from when it was due.
     */
    private void sendDue() {
      long now = System.nanoTime();
      while (sent < total && inFlight < plan.concurrency() && (paced ? due(sent) <= now : !expired(now))) {
        send((int) sent, paced ? due(sent) : now);
        sent++;
      }
      if (!paced && inFlight == 0 && (sent >= total || expired(now))) {
        finish();
      }
    }

    private boolean expired(long now) {
      return plan.durationMs() > 0 && now - recorder.startNanos() >= TimeUnit.MILLISECONDS.toNanos(plan.durationMs());
    }

    private long due(long k) {
      return recorder.startNanos() + (long) (k * 1e9 / plan.rate());
    }

    private void send(int index, long intendedNanos) {
      inFlight++;
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(plan.target().host())
          .setPort(plan.target().port()).setURI(plan.uri().apply(index))
          .setConnectTimeout(plan.timeoutMs()).setIdleTimeout(plan.timeoutMs());
      if (plan.key() != null) {
        options.putHeader(plan.key().header(), plan.key().value().apply(index));
      }
      client.request(options)
          .compose(req -> req.send().compose(resp -> resp.body().map(body -> new Reply(resp.statusCode(),
              plan.countReplicas() ? replicaOf(resp.statusCode(), body) : null))))
          .onComplete(ar -> answered(index, ar.succeeded() ? ar.result() : new Reply(0, null), intendedNanos));
    }

    private void answered(int index, Reply reply, long intendedNanos) {
      inFlight--;
      completed++;
      recorder.reply(reply.status(), reply.replica(), System.nanoTime() - intendedNanos);
      if (plan.listener() != null) {
        plan.listener().replied(index, reply.replica());
      }
      sendDue();
      if (paced && completed == total) {
        finish();
      }
    }

    /** Requests still unsent a grace period after the end count as failed, with the time they had waited. */
    private void giveUp() {
      long now = System.nanoTime();
      for (; sent < total; sent++) {
        recorder.unsent(Math.max(0, now - due(sent)));
        completed++;
      }
      if (completed == total) {
        finish();
      }
    }

    private void finish() {
      done.tryComplete(recorder.run());
    }
  }
}
