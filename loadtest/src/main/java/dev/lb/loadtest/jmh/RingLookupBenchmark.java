package dev.lb.loadtest.jmh;

import dev.lb.ring.AssignmentHash;
import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.HashFamily;
import dev.lb.ring.MaglevTable;
import dev.lb.ring.Murmur3Hash;
import dev.lb.ring.Probing;
import dev.lb.ring.RequestKeys;
import dev.lb.ring.Ring;
import dev.lb.ring.RingSpec;
import dev.lb.ring.SeedHash;
import dev.lb.ring.XxHash;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The owner lookup of each ring the balancer can be configured with, as the forwarder calls it: a precomputed
 * request key and a predicate that accepts every member (all replicas healthy), so the figure is the lookup alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingLookupBenchmark {

  private static final int KEYS = 4096;
  private static final IntPredicate ROUTABLE = id -> true;

  /** The ring algorithm and hash family, named as in the load test's A-4 configurations. */
  @Param({"assignment", "seed", "murmur3", "xxhash", "murmur3-k256", "maglev"})
  public String ring;

  /** N, the replicas on the ring. */
  @Param({"3", "6"})
  public int replicas;

  private Ring table;
  private long[] keys;
  private int next;

  @Setup
  public void build() {
    List<Integer> ids = IntStream.rangeClosed(1, replicas).boxed().toList();
    table = switch (ring) {
      case "assignment" -> ring(new AssignmentHash(), 512, ids);
      case "seed" -> ring(new SeedHash(), 512, ids);
      case "murmur3" -> ring(new Murmur3Hash(), 512, ids);
      case "xxhash" -> ring(new XxHash(), 512, ids);
      case "murmur3-k256" -> ConsistentHashRing.build(new RingSpec(65_536, 256, new Murmur3Hash(), Probing.LINEAR), ids);
      case "maglev" -> MaglevTable.build(new Murmur3Hash(), MaglevTable.DEFAULT_SIZE, ids);
      default -> throw new IllegalArgumentException("unknown ring " + ring);
    };
    keys = new long[KEYS];
    for (int k = 0; k < KEYS; k++) {
      keys[k] = RequestKeys.random();
    }
  }

  private static Ring ring(HashFamily family, int slots, List<Integer> ids) {
    return ConsistentHashRing.build(new RingSpec(slots, RingSpec.defaultVnodes(slots), family, Probing.LINEAR), ids);
  }

  /** One lookup of the next key (the keys cycle; reading one costs about a nanosecond of the figure). */
  @Benchmark
  public int owner() {
    long key = keys[next++ & (KEYS - 1)];
    return table.owner(key, ROUTABLE);
  }
}
