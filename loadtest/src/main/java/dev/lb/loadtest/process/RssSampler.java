package dev.lb.loadtest.process;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * The summed resident memory of a proxy's processes (nginx's master and workers, a JVM), read from {@code /proc} every
 * {@value #PERIOD_MS} ms on a thread of its own from {@link #start} to {@link #stop}: what it was at the start and the
 * most it reached. The processes are asked for at every sample, so workers that come and go are counted.
 */
public final class RssSampler {

  static final long PERIOD_MS = 100;

  private final Supplier<List<Long>> pids;
  private final long startKb;
  private final Thread thread;
  private volatile long peakKb;
  private volatile boolean running = true;

  private RssSampler(Supplier<List<Long>> pids) {
    this.pids = pids;
    this.startKb = ProcStat.rssKb(pids.get());
    this.peakKb = startKb;
    this.thread = new Thread(this::sample, "rss-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts sampling the processes {@code pids} gives; the first sample is the start's. */
  public static RssSampler start(Supplier<List<Long>> pids) {
    return new RssSampler(pids);
  }

  private void sample() {
    while (running) {
      peakKb = Math.max(peakKb, ProcStat.rssKb(pids.get()));
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling (one last sample taken): the start's RSS, the peak and the growth from the start, in MiB. */
  public JsonObject stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long peak = Math.max(peakKb, ProcStat.rssKb(pids.get()));
    return new JsonObject().put("startMiB", mib(startKb)).put("peakMiB", mib(peak)).put("growthMiB", mib(peak - startKb));
  }

  static double mib(long kb) {
    return Math.round(kb / 1024.0 * 10) / 10.0;
  }
}
