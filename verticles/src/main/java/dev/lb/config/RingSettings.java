package dev.lb.config;

import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.HashFamilies;
import dev.lb.ring.HashFamily;
import dev.lb.ring.LoadBound;
import dev.lb.ring.MaglevTable;
import dev.lb.ring.Probing;
import dev.lb.ring.RingFactory;
import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/** Reads the ring's shape and algorithm from a verticle's configuration. */
public final class RingSettings {

  public static final String CONSISTENT = "consistent";
  public static final String MAGLEV = "maglev";
  public static final List<String> ALGORITHMS = List.of(CONSISTENT, MAGLEV);

  private RingSettings() {}

  /** The consistent hash ring's shape: M, K, hash family, probing. */
  public static RingSpec spec(JsonObject config) {
    int slots = config.getInteger(ConfigKeys.RING_SLOTS);
    int vnodes = config.getInteger(ConfigKeys.RING_VNODES);
    return new RingSpec(slots, vnodes > 0 ? vnodes : RingSpec.defaultVnodes(slots), family(config),
        Probing.named(config.getString(ConfigKeys.RING_PROBING)));
  }

  public static HashFamily family(JsonObject config) {
    return HashFamilies.named(config.getString(ConfigKeys.RING_HASH));
  }

  public static String algorithm(JsonObject config) {
    String name = config.getString(ConfigKeys.RING_ALGORITHM).trim().toLowerCase(Locale.ROOT);
    if (!ALGORITHMS.contains(name)) {
      throw new IllegalArgumentException("unknown ring algorithm '" + name + "'; choose one of " + ALGORITHMS);
    }
    return name;
  }

  /** Builds the configured ring of a set of ring ids. */
  public static RingFactory factory(JsonObject config) {
    if (MAGLEV.equals(algorithm(config))) {
      HashFamily family = family(config);
      int size = config.getInteger(ConfigKeys.RING_MAGLEV_SIZE);
      MaglevTable.build(family, size, java.util.Map.of());
      return ids -> MaglevTable.build(family, size, ids);
    }
    RingSpec spec = spec(config);
    return ids -> ConsistentHashRing.build(spec, ids);
  }

  /** How many replicas the configured ring can hold. */
  public static int capacity(JsonObject config) {
    return MAGLEV.equals(algorithm(config))
        ? config.getInteger(ConfigKeys.RING_MAGLEV_SIZE) : spec(config).capacity();
  }

  /** Slow start's window in ms; 0: off. */
  public static long slowStartMs(JsonObject config) {
    return Durations.millis(config.getString(ConfigKeys.RING_SLOW_START), ConfigKeys.RING_SLOW_START);
  }

  /** A fresh bound of loads with the configured factor c (off when 0) and measure. */
  public static LoadBound loadBound(JsonObject config) {
    return new LoadBound(config.getDouble(ConfigKeys.RING_BALANCE_FACTOR),
        LoadBound.Measure.named(config.getString(ConfigKeys.RING_BALANCE_MEASURE)));
  }
}
