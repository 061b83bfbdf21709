package dev.lb.loadtest.jmh;

import dev.lb.ring.RequestKeys;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request-key extraction the balancer runs per request: a random 6-digit id (the default {@code LB_KEY=random}),
 * and the key of an affinity value taken from a header, a path or a query parameter holding a 6-digit id.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestKeyBenchmark {

  // fields, not constants, so that the JIT cannot fold the work away
  private String header = "session-7f3a9c2e-41d8-4b6e-9a0f-2c5d8e1b7a43";
  private String path = "/api/v1/customers/48213/orders";
  private String id = "482137";

  @Benchmark
  public long random() {
    return RequestKeys.random();
  }

  @Benchmark
  public long headerValue() {
    return RequestKeys.of(header);
  }

  @Benchmark
  public long path() {
    return RequestKeys.of(path);
  }

  @Benchmark
  public long sixDigitId() {
    return RequestKeys.of(id);
  }
}
