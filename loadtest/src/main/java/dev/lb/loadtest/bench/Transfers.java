package dev.lb.loadtest.bench;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.RssSampler;
import dev.lb.loadtest.process.Tools;
import dev.lb.server.BlobServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Large transfers with {@code curl}: a download from and an upload to {@link BlobServer} replicas, through a balancer
 * whose replicas they are, through HAProxy and nginx in front of the same replicas, and directly; byte counts (and the upload's
 * CRC-32) checked; every proxy's resident memory sampled during each transfer, and the balancer JVM's heap and the
 * bytes it allocated per byte relayed. A failure (a 413, a reset) is a
 * result, not an error.
 */
final class Transfers {

  private static final System.Logger LOG = System.getLogger(Transfers.class.getName());
  private static final long MIB = 1024 * 1024;
  private static final long WARMUP_BYTES = 16 * MIB;

  private final BenchSettings settings;
  private final WebClient client;
  private final Path logs;
  private final Curl curl;
  private final Optional<Path> jstat = Tools.find("jstat");
  private final Consumer<String> say;

  Transfers(BenchSettings settings, WebClient client, Path logs, Consumer<String> say) {
    this.settings = settings;
    this.say = say;
    this.client = client;
    this.logs = logs;
    this.curl = new Curl(Tools.find("curl").orElseThrow(() -> new IllegalStateException("curl is not installed")), logs);
  }

  JsonObject run() {
    Path upload = settings.out().resolve("upload.bin");
    long crc = writeUpload(upload, settings.uploadMiB() * MIB);
    Balancer balancer = Balancer.startWithReplicas(settings.launch(), env(), logs.resolve("balancer-transfer.log"), client,
        Bench.REPLICAS);
    List<Proxies.Started> proxies = new ArrayList<>();
    try {
      JsonObject results = new JsonObject().put("downloadBytes", settings.downloadMiB() * MIB)
          .put("uploadBytes", settings.uploadMiB() * MIB).put("uploadCrc32", crc);
      Map<String, Endpoint> targets = new LinkedHashMap<>();
      Map<String, Supplier<List<Long>>> processes = new LinkedHashMap<>();
      targets.put("balancer", balancer.endpoint());
      processes.put("balancer", () -> List.of(balancer.endpoint().pid()));
      for (String name : List.of("haproxy", "nginx")) {
        proxy(name, balancer.replicaEndpoints(), proxies, results).ifPresent(p -> {
          targets.put(name, p.endpoint());
          processes.put(name, p::pids);
        });
      }
      targets.put("direct", balancer.replicaEndpoints().get(0));
      warmUp(targets, balancer.replicaEndpoints());
      targets.forEach((name, endpoint) -> results.put(name,
          both(name, endpoint, balancer, Optional.ofNullable(processes.get(name)), upload, crc)));
      return results;
    } finally {
      proxies.forEach(Proxies.Started::stop);
      balancer.close();
      delete(upload);
    }
  }

  /**
   * HAProxy or nginx (set up to stream bodies both ways, as the balancer does) in front of {@code replicas}, if it is
   * installed and starts; else why not goes into {@code results}.
   */
  private Optional<Proxies.Started> proxy(String name, List<Endpoint> replicas, List<Proxies.Started> started,
      JsonObject results) {
    Optional<Path> exe = Tools.find(name);
    if (exe.isEmpty()) {
      results.put(name, "skipped: not installed");
      return Optional.empty();
    }
    try {
      Proxies.Started proxy = name.equals("haproxy")
          ? Proxies.haproxy(exe.get(), settings.out(), "haproxy-transfer", replicas)
          : Proxies.nginxStreaming(exe.get(), settings.out(), "nginx-transfer", replicas);
      started.add(proxy);
      return Optional.of(proxy);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, name + " did not start for the transfers", e);
      results.put(name, "skipped: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The download, then the upload, through {@code endpoint}; a proxy's {@code processes}' memory sampled meanwhile. */
  private JsonObject both(String name, Endpoint endpoint, Balancer balancer, Optional<Supplier<List<Long>>> processes,
      Path upload, long crc) {
    JsonObject down = sampled(name, balancer, processes, () -> curl.download(endpoint, settings.downloadMiB() * MIB));
    say.accept(name + " download: " + outcome(down));
    JsonObject up = sampled(name, balancer, processes, () -> curl.upload(endpoint, upload, settings.uploadMiB() * MIB, crc));
    say.accept(name + " upload: " + outcome(up));
    return new JsonObject().put("download", down).put("upload", up);
  }

  /**
   * Downloads and uploads through every target, for {@code --warmup-s} each, and to every replica once, not recorded:
   * the blob servers and the balancer are JVMs, and a transfer through a cold one measures its JIT compiler (one
   * 64 MiB transfer was not enough: the committed run's downloads rose from 261 to 978 MiB/s with this warm-up).
   * HAProxy and nginx get the same, though they need none.
   */
  private void warmUp(Map<String, Endpoint> targets, List<Endpoint> replicas) {
    Path file = settings.out().resolve("warmup.bin");
    long bytes = Math.min(WARMUP_BYTES, settings.uploadMiB() * MIB);
    long crc = writeUpload(file, bytes);
    long down = Math.min(16 * WARMUP_BYTES, settings.downloadMiB() * MIB);
    try {
      for (Endpoint e : replicas) {
        curl.download(e, Math.min(4 * WARMUP_BYTES, settings.downloadMiB() * MIB));
        curl.upload(e, file, bytes, crc);
      }
      targets.forEach((name, e) -> {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(settings.warmupS());
        int rounds = 0;
        do {
          curl.download(e, down);
          curl.upload(e, file, bytes, crc);
          rounds++;
        } while (System.nanoTime() < until);
        say.accept(name + " warmed up: " + rounds + " downloads of " + (down >> 20) + " MiB and uploads of "
            + (bytes >> 20) + " MiB");
      });
    } finally {
      delete(file);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot delete " + file, e);
    }
  }

  private static String outcome(JsonObject transfer) {
    JsonObject heap = transfer.getJsonObject("heap");
    JsonObject rss = transfer.getJsonObject("rss");
    JsonObject allocated = transfer.getJsonObject("allocated");
    return (transfer.getBoolean("ok") ? transfer.getValue("MiBps") + " MiB/s" : transfer.getString("error"))
        + (rss == null ? "" : ", RSS " + rss.getValue("startMiB") + " -> " + rss.getValue("peakMiB") + " MiB")
        + (heap == null ? "" : ", heap growth " + heap.getValue("heapGrowthMiB", heap.getString("error")) + " MiB")
        + (allocated == null ? "" : ", allocated " + allocated.getValue("bytesPerByte", allocated.getString("error"))
            + " bytes per byte");
  }

  /** The balancer's replicas are blob servers from this very jar. */
  private static Map<String, String> env() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
        .map(p -> Path.of(p).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    return Map.of("LB_REPLICA_COMMAND", "'" + java + "' -Xmx64m -cp '" + classPath + "' " + BlobServer.class.getName()
        + " --port {port}", "LB_HEALTH_PATH", "/heartbeat", "LB_REWRITE_404", "false");
  }

  /**
   * A transfer, with a proxy's resident memory sampled during it, and when it goes through the balancer, its heap and
   * what it allocated.
   */
  private JsonObject sampled(String target, Balancer balancer, Optional<Supplier<List<Long>>> processes,
      Supplier<JsonObject> transfer) {
    boolean throughBalancer = target.equals("balancer");
    Optional<HeapSampler> heap = throughBalancer ? jstat.map(j -> HeapSampler.start(j, balancer.endpoint().pid()))
        : Optional.empty();
    Optional<Allocation> allocation = throughBalancer ? Optional.of(Allocation.start(client, balancer)) : Optional.empty();
    Optional<RssSampler> rss = processes.map(RssSampler::start);
    JsonObject result = transfer.get();
    rss.ifPresent(r -> result.put("rss", r.stop()));
    heap.ifPresent(h -> result.put("heap", h.stop()));
    allocation.ifPresent(a -> result.put("allocated", a.stop(result.getLong("bytes", 0L))));
    return result;
  }

  /** Writes {@code bytes} of pseudo-random data (incompressible, the same every run) and returns their CRC-32. */
  static long writeUpload(Path file, long bytes) {
    SplittableRandom random = new SplittableRandom(42);
    CRC32 crc = new CRC32();
    byte[] chunk = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= chunk.length) {
        for (int k = 0; k < chunk.length; k += 8) {
          long v = random.nextLong();
          for (int b = 0; b < 8; b++) {
            chunk[k + b] = (byte) (v >>> (8 * b));
          }
        }
        int n = (int) Math.min(chunk.length, left);
        crc.update(chunk, 0, n);
        out.write(chunk, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return crc.getValue();
  }
}
