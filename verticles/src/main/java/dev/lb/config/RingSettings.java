package dev.lb.config;

import dev.lb.ring.HashFamilies;
import dev.lb.ring.Probing;
import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonObject;

/** Reads the ring's shape from a verticle's configuration. */
public final class RingSettings {

  private RingSettings() {}

  public static RingSpec spec(JsonObject config) {
    int slots = config.getInteger(ConfigKeys.RING_SLOTS, 512);
    int vnodes = config.getInteger(ConfigKeys.RING_VNODES, 0);
    return new RingSpec(slots, vnodes > 0 ? vnodes : RingSpec.defaultVnodes(slots),
        HashFamilies.named(config.getString(ConfigKeys.RING_HASH, "assignment")),
        Probing.named(config.getString(ConfigKeys.RING_PROBING, "linear")));
  }
}
