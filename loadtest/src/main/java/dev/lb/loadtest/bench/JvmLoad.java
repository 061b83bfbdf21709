package dev.lb.loadtest.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Load from this JVM, on one event loop, over at most {@code connections} keep-alive connections: a closed loop (each
 * connection sends its next request when the last is answered; the fallback when wrk is missing), and a fixed rate
 * (an open loop). At a fixed rate, latency counts from each request's intended send time, so a stall delays the
 * clock of every request queued behind it (no coordinated omission).
 */
public final class JvmLoad {

  private static final System.Logger LOG = System.getLogger(JvmLoad.class.getName());

  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long TICK_MS = 1;
  private static final long GRACE_MS = 1000;

  private final Vertx vertx;
  private final HttpClientAgent client;

  public JvmLoad(Vertx vertx, int connections) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /** {@code connections} requests in flight for {@code durationMs}; blocks the calling (non event-loop) thread. */
  public Load closedLoop(Endpoint target, int connections, long durationMs) {
    Promise<Load> done = Promise.promise();
    vertx.runOnContext(v -> new Batch(target, done).closed(connections, durationMs));
    return done.future().await();
  }

  /** {@code rate} requests per second for {@code durationMs}, whatever the answers' speed; blocks likewise. */
  public Load fixedRate(Endpoint target, int rate, long durationMs, int connections) {
    Promise<Load> done = Promise.promise();
    vertx.runOnContext(v -> new Batch(target, done).fixed(rate, durationMs, connections));
    return done.future().await();
  }

  public void close() {
    try {
      client.close().await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "the HTTP client did not close within 10 s");
    }
  }

  /** One run, confined to the event loop it began on. */
  private final class Batch {
    private final Endpoint target;
    private final Promise<Load> done;
    private final Histogram micros = new Histogram(60_000_000L, 3);
    private long start;
    private long end;
    private long total;
    private double interval;
    private int connections;
    private long sent;
    private int inFlight;
    private long unsent;
    private long completed;
    private long lastCompletion;
    private long badStatus;
    private long failed;

    Batch(Endpoint target, Promise<Load> done) {
      this.target = target;
      this.done = done;
    }

    void closed(int connections, long durationMs) {
      start = System.nanoTime();
      long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
      int[] active = {connections};
      for (int c = 0; c < connections; c++) {
        loop(end, active);
      }
    }

    private void loop(long end, int[] active) {
      send(System.nanoTime()).onComplete(v -> {
        if (System.nanoTime() < end) {
          loop(end, active);
        } else if (--active[0] == 0) {
          finish();
        }
      });
    }

    /**
     * Request k is due at {@code start + k / rate}. At most {@code connections} are in flight, like a closed loop's
     * connections; one that is due while all are busy waits here and its latency still counts from when it was due.
     * Sending stops a second after the end of the run: a request still waiting then is recorded with the time it had
     * waited (a lower bound) and counted as unsent.
     */
    void fixed(int rate, long durationMs, int connections) {
      this.connections = connections;
      total = Math.max(1, rate * durationMs / 1000);
      interval = 1e9 / rate;
      start = System.nanoTime();
      end = start + TimeUnit.MILLISECONDS.toNanos(durationMs + GRACE_MS);
      vertx.setPeriodic(TICK_MS, timer -> {
        sendDue();
        if (sent == total || System.nanoTime() >= end) {
          vertx.cancelTimer(timer);
          giveUp();
        }
      });
    }

    private void sendDue() {
      long now = System.nanoTime();
      while (sent < total && inFlight < connections && due(sent) <= now) {
        inFlight++;
        send(due(sent++)).onComplete(v -> {
          inFlight--;
          sendDue();
          if (completed == total) {
            finish();
          }
        });
      }
    }

    private long due(long k) {
      return start + (long) (k * interval);
    }

    private void giveUp() {
      long now = System.nanoTime();
      for (; sent < total; sent++) {
        record(Math.max(0, now - due(sent)));
        unsent++;
        completed++;
      }
      if (completed == total) {
        finish();
      }
    }

    /** Sends one request; the future completes once its answer (or failure) is recorded. */
    private Future<Void> send(long intendedNanos) {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host())
          .setPort(target.port()).setURI("/home?id=" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000))
          .setConnectTimeout(REQUEST_TIMEOUT_MS).setIdleTimeout(REQUEST_TIMEOUT_MS);
      return client.request(options)
          .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode())))
          .transform(ar -> {
            long now = System.nanoTime();
            record(now - intendedNanos);
            completed++;
            lastCompletion = now;
            if (ar.failed()) {
              failed++;
            } else if (ar.result() >= 400) {
              badStatus++;
            }
            return Future.succeededFuture();
          });
    }

    private void record(long nanos) {
      micros.recordValue(Math.min(micros.getHighestTrackableValue(), Math.max(1, nanos / 1000)));
    }

    private void finish() {
      long durationUs = ((lastCompletion == 0 ? System.nanoTime() : lastCompletion) - start) / 1000;
      done.tryComplete(new Load(completed - failed - unsent, durationUs, failed + badStatus + unsent,
          new JsonObject().put("status", badStatus).put("io", failed).put("unsent", unsent), micros.getValueAtPercentile(50),
          micros.getValueAtPercentile(90), micros.getValueAtPercentile(99), micros.getValueAtPercentile(99.9),
          micros.getMaxValue()));
    }
  }
}
