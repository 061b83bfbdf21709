package dev.lb.loadtest.bench;

import dev.lb.loadtest.process.Children;
import dev.lb.loadtest.process.Wait;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Samples a JVM's heap every 200 ms with {@code jstat -gc}, from just before a transfer to its end. The growth is the
 * most heap in use during the transfer minus what was in use just before; since young garbage also counts until a
 * collection, the old generation's growth is kept too (what survived: bodies held in memory end up there).
 */
public final class HeapSampler {

  private static final System.Logger LOG = System.getLogger(HeapSampler.class.getName());
  private static final List<String> USED = List.of("S0U", "S1U", "EU", "OU");

  /** Heap in use, in KiB: all of it and the old generation. */
  record Sample(double usedKb, double oldKb) { }

  private final Process process;
  private final CountDownLatch first = new CountDownLatch(1);
  private volatile Sample before;
  private volatile double maxUsedKb;
  private volatile double maxOldKb;
  private volatile int samples;
  private volatile boolean late;

  private HeapSampler(Process process) {
    this.process = process;
  }

  /** Starts sampling {@code pid} and waits (up to 15 s: jstat is a JVM too) for the first sample, which is "before". */
  public static HeapSampler start(Path jstat, long pid) {
    ProcessBuilder builder = new ProcessBuilder(jstat.toString(), "-J-Duser.language=en", "-J-Duser.country=US",
        "-gc", String.valueOf(pid), "200").redirectErrorStream(true);
    HeapSampler sampler = new HeapSampler(Children.start(builder));
    Thread reader = new Thread(sampler::read, "jstat-" + pid);
    reader.setDaemon(true);
    reader.start();
    try {
      if (!sampler.first.await(15, TimeUnit.SECONDS)) {
        sampler.late = true;
        LOG.log(System.Logger.Level.WARNING, "jstat gave no sample of {0} within 15 s", String.valueOf(pid));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return sampler;
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String header = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.contains("S0C")) {
          header = line;
        } else if (header != null) {
          parse(header, line).ifPresent(this::add);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "jstat output ended: {0}", e.toString());
    }
  }

  private void add(Sample s) {
    if (before == null) {
      before = s;
      first.countDown();
    }
    maxUsedKb = Math.max(maxUsedKb, s.usedKb());
    maxOldKb = Math.max(maxOldKb, s.oldKb());
    samples++;
  }

  /** The heap in use of one {@code jstat -gc} line, given its header line. */
  static Optional<Sample> parse(String header, String line) {
    List<String> names = List.of(header.trim().split("\\s+"));
    String[] values = line.trim().split("\\s+");
    if (values.length != names.size()) {
      return Optional.empty();
    }
    try {
      double used = 0;
      for (String column : USED) {
        used += Double.parseDouble(values[names.indexOf(column)]);
      }
      return Optional.of(new Sample(used, Double.parseDouble(values[names.indexOf("OU")])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stops sampling; the heap growth in MiB, or an {@code error} if there was no sample. */
  public JsonObject stop() {
    Wait.pause(300);
    Children.stop(process.toHandle());
    if (before == null || late) {
      return new JsonObject().put("error", "no heap sample (jstat) before the transfer");
    }
    return new JsonObject().put("samples", samples)
        .put("usedBeforeMiB", mib(before.usedKb())).put("maxUsedMiB", mib(maxUsedKb))
        .put("heapGrowthMiB", mib(maxUsedKb - before.usedKb()))
        .put("oldGenGrowthMiB", mib(maxOldKb - before.oldKb()));
  }

  private static double mib(double kb) {
    return Math.round(kb / 1024 * 10) / 10.0;
  }
}
