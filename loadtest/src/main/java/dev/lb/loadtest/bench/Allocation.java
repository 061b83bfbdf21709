package dev.lb.loadtest.bench;

import dev.lb.loadtest.process.Balancer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the balancer's JVM allocated on its heap between {@link #start} and {@link #stop}, from its own metrics on the
 * admin port: Micrometer's {@code jvm_gc_memory_allocated_bytes_total} (the young generation's growth, counted at each
 * collection) plus what the young generation's eden holds (allocated since the last collection). Every relayed chunk
 * is copied to the heap once, so a streaming relay allocates a little more than one byte per byte.
 */
final class Allocation {

  private static final System.Logger LOG = System.getLogger(Allocation.class.getName());
  private static final Pattern COUNTED = Pattern.compile("(?m)^jvm_gc_memory_allocated_bytes_total(?:\\{[^}]*})? (\\S+)$");
  private static final Pattern EDEN = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*id=\"[^\"]*Eden[^\"]*\"[^}]*} (\\S+)$");
  private static final double MIB = 1024 * 1024;

  private final WebClient client;
  private final Balancer balancer;
  private final OptionalDouble before;

  private Allocation(WebClient client, Balancer balancer) {
    this.client = client;
    this.balancer = balancer;
    this.before = read();
  }

  static Allocation start(WebClient client, Balancer balancer) {
    return new Allocation(client, balancer);
  }

  /** The bytes allocated since the start, in MiB and per byte of {@code relayedBytes}; or why there is no figure. */
  JsonObject stop(long relayedBytes) {
    OptionalDouble after = read();
    if (before.isEmpty() || after.isEmpty()) {
      return new JsonObject().put("error", "no jvm_gc_memory_allocated_bytes_total on the admin port's /metrics");
    }
    double bytes = after.getAsDouble() - before.getAsDouble();
    return new JsonObject().put("allocatedMiB", Math.round(bytes / MIB * 10) / 10.0)
        .put("bytesPerByte", relayedBytes == 0 ? null : Math.round(bytes / relayedBytes * 100) / 100.0);
  }

  private OptionalDouble read() {
    try {
      String text = client.get(balancer.adminPort, balancer.host, "/metrics").timeout(10_000).send().await().bodyAsString();
      return allocated(text == null ? "" : text);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read the balancer's /metrics: " + e);
      return OptionalDouble.empty();
    }
  }

  /** Bytes allocated so far, from a Prometheus text: the counter plus the eden's current use; empty without the counter. */
  static OptionalDouble allocated(String prometheus) {
    Matcher counted = COUNTED.matcher(prometheus);
    if (!counted.find()) {
      return OptionalDouble.empty();
    }
    double total = Double.parseDouble(counted.group(1));
    Matcher eden = EDEN.matcher(prometheus);
    while (eden.find()) {
      total += Double.parseDouble(eden.group(1));
    }
    return OptionalDouble.of(total);
  }
}
