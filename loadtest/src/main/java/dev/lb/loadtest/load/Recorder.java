package dev.lb.loadtest.load;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The counters of one run of the {@link LoadGenerator} while it goes, confined to the run's event loop (plain fields,
 * no locks); {@link #run} makes the {@link Run} of them.
 */
final class Recorder {

  static final long BUCKET_MS = 100;

  private final Histogram micros = new Histogram(60_000_000L, 3);
  private final Map<String, Long> perReplica = new TreeMap<>();
  private final Map<Integer, Long> perStatus = new TreeMap<>();
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private long[] okPerBucket = new long[64];
  private long[] failedPerBucket = new long[64];
  private long[] maxUsPerBucket = new long[64];
  private long answered;
  private long badStatus;
  private long io;
  private long unsent;
  private long lastAnswerNanos;

  long startNanos() {
    return startNanos;
  }

  /** A reply ({@code status} 0: none came), by {@code replica} if it named one, {@code nanos} after it was due. */
  void reply(int status, String replica, long nanos) {
    long now = System.nanoTime();
    lastAnswerNanos = now;
    latency(nanos);
    perStatus.merge(status, 1L, Long::sum);
    if (replica != null) {
      perReplica.merge(replica, 1L, Long::sum);
    }
    if (status == 0) {
      io++;
    } else {
      answered++;
      badStatus += status >= 400 ? 1 : 0;
    }
    bucket(now, status > 0 && status < 400, nanos / 1000);
  }

  /** A request still waiting to be sent when the run gave up: it counts with the time it had waited, a lower bound. */
  void unsent(long waitedNanos) {
    latency(waitedNanos);
    unsent++;
  }

  private void latency(long nanos) {
    micros.recordValue(Math.min(micros.getHighestTrackableValue(), Math.max(1, nanos / 1000)));
  }

  private void bucket(long now, boolean ok, long micros) {
    int bucket = (int) ((now - startNanos) / 1_000_000 / BUCKET_MS);
    if (bucket >= okPerBucket.length) {
      okPerBucket = Arrays.copyOf(okPerBucket, Math.max(bucket + 1, okPerBucket.length * 2));
      failedPerBucket = Arrays.copyOf(failedPerBucket, okPerBucket.length);
      maxUsPerBucket = Arrays.copyOf(maxUsPerBucket, okPerBucket.length);
    }
    (ok ? okPerBucket : failedPerBucket)[bucket]++;
    maxUsPerBucket[bucket] = Math.max(maxUsPerBucket[bucket], micros);
  }

  Run run() {
    long end = lastAnswerNanos == 0 ? System.nanoTime() : lastAnswerNanos;
    JsonObject detail = new JsonObject().put("status", badStatus).put("io", io).put("unsent", unsent);
    return new Run(answered, io + unsent, badStatus, detail, (end - startNanos) / 1000, Latency.of(micros),
        Collections.unmodifiableMap(new TreeMap<>(perReplica)),
        Collections.unmodifiableMap(new TreeMap<>(perStatus)), timeline(), startMillis);
  }

  private Timeline timeline() {
    int last = okPerBucket.length - 1;
    while (last > 0 && okPerBucket[last] == 0 && failedPerBucket[last] == 0) {
      last--;
    }
    return new Timeline(BUCKET_MS, Arrays.copyOf(okPerBucket, last + 1), Arrays.copyOf(failedPerBucket, last + 1),
        Arrays.copyOf(maxUsPerBucket, last + 1));
  }
}
