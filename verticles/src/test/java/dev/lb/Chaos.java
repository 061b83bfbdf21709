package dev.lb;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * A chaos run: a concurrent client loop for {@code seconds}, while {@code killOne} kills a random replica, the run
 * waits until {@code /rep} lists N replicas again without it, pauses {@code pauseMs}, and kills the next.
 */
public final class Chaos {

  /** What a chaos run measured. */
  public record Figures(String backend, int kills, List<Long> restoreMs, long requests, List<String> failures,
      long maxLatencyMs) {

    public long restoreMedianMs() {
      List<Long> sorted = new ArrayList<>(restoreMs);
      Collections.sort(sorted);
      return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    public long restoreMaxMs() {
      return restoreMs.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** One line for the CI log. */
    public String summary() {
      return String.format("CHAOS %s: %d kills; restored to N after every kill (median %d ms, max %d ms); %d requests, "
          + "%d failed; slowest request %d ms", backend, kills, restoreMedianMs(), restoreMaxMs(), requests,
          failures.size(), maxLatencyMs);
    }
  }

  private Chaos() {}

  public static Future<Figures> run(Vertx vertx, TestSystem system, String backend, int n, long seconds, long pauseMs,
      Supplier<Future<String>> killOne) {
    ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 16, Long.MAX_VALUE, (seconds + 60) * 1000);
    long end = System.currentTimeMillis() + seconds * 1000;
    List<Long> restores = new ArrayList<>();
    return after(vertx, pauseMs)
        .compose(v -> killUntil(vertx, system, n, end, pauseMs, killOne, restores))
        .compose(v -> loop.stop())
        .map(done -> new Figures(backend, restores.size(), restores, done.ok() + done.failures().size(), done.failures(),
            done.maxLatencyMs()));
  }

  private static Future<Void> killUntil(Vertx vertx, TestSystem system, int n, long end, long pauseMs,
      Supplier<Future<String>> killOne, List<Long> restores) {
    if (System.currentTimeMillis() >= end) {
      return Future.succeededFuture();
    }
    long at = System.currentTimeMillis();
    return killOne.get()
        .compose(victim -> system.awaitRep(m -> m.getInteger("N") == n && !m.getJsonArray("replicas").contains(victim), 60_000))
        .compose(rep -> {
          restores.add(System.currentTimeMillis() - at);
          return after(vertx, pauseMs);
        })
        .compose(v -> killUntil(vertx, system, n, end, pauseMs, killOne, restores));
  }

  public static Future<Void> after(Vertx vertx, long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }
}
