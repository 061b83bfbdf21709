package dev.lb.loadtest;

import java.util.List;
import java.util.Map;

/**
 * One way to configure the ring, as environment variables of the balancer.
 *
 * @param name        short name used in tables and charts
 * @param description what it is, in words
 * @param env         the LB_* settings
 */
record Config(String name, String description, Map<String, String> env) {

  static final Config ASSIGNMENT = new Config("assignment", "assignment's H and Φ, ring M=512 K=9",
      Map.of("LB_HASH", "assignment"));

  /** Every configuration A-4 compares: hash families, ring algorithms, bounded loads. */
  static final List<Config> ALL = List.of(
      ASSIGNMENT,
      new Config("seed", "seed document's capped H and Φ, ring M=512 K=9", Map.of("LB_HASH", "seed")),
      new Config("murmur3", "Murmur3, ring M=512 K=9", Map.of("LB_HASH", "murmur3")),
      new Config("xxhash", "xxHash32, ring M=512 K=9", Map.of("LB_HASH", "xxhash")),
      new Config("murmur3-k256", "Murmur3, ring M=65536 K=256",
          Map.of("LB_HASH", "murmur3", "LB_SLOTS", "65536", "LB_VNODES", "256")),
      new Config("maglev", "Maglev table M=65537, Murmur3", Map.of("LB_HASH", "murmur3", "LB_RING", "maglev")),
      new Config("murmur3-bounded", "Murmur3 ring M=512 K=9, bounded loads c=1.25",
          Map.of("LB_HASH", "murmur3", "LB_BALANCE_FACTOR", "1.25")),
      new Config("maglev-bounded", "Maglev M=65537, Murmur3, bounded in-flight loads c=1.1",
          Map.of("LB_HASH", "murmur3", "LB_RING", "maglev", "LB_BALANCE_FACTOR", "1.1")),
      new Config("maglev-bounded-rate", "Maglev M=65537, Murmur3, bounded request rate c=1.02",
          Map.of("LB_HASH", "murmur3", "LB_RING", "maglev", "LB_BALANCE_FACTOR", "1.02", "LB_BALANCE_MEASURE", "rate")));

  /** The configurations whose key movement {@code remap} measures (bounded loads do not move idle keys). */
  static List<Config> remapped() {
    return ALL.stream().filter(c -> !c.env().containsKey("LB_BALANCE_FACTOR")).toList();
  }
}
