package dev.lb.loadtest.traffic;

import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.HashFamilies;
import dev.lb.ring.HashFamily;
import dev.lb.ring.MaglevTable;
import dev.lb.ring.Probing;
import dev.lb.ring.Ring;
import dev.lb.ring.RingPicture;
import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Weight 2's share against the mean share of the others, computed from the rings the balancer builds. */
final class Weights {

  private static final HashFamily MURMUR = HashFamilies.named("murmur3");
  /** As {@code WeightsTest}: 2^23 slots, 16,384 virtual nodes per weight unit. */
  static final RingSpec STRONG = new RingSpec(1 << 23, 16_384, MURMUR, Probing.LINEAR);

  private Weights() {}

  static JsonArray measure(PrintWriter out) {
    JsonArray rows = new JsonArray();
    for (int n = 2; n <= 6; n++) {
      Map<Integer, Integer> weights = new LinkedHashMap<>();
      for (int id = 1; id <= n; id++) {
        weights.put(id, id == n ? 2 : 1);
      }
      double maglev = ratio(MaglevTable.build(MURMUR, MaglevTable.DEFAULT_SIZE, weights), n);
      double ring = ratio(ConsistentHashRing.build(STRONG, weights), n);
      rows.add(new JsonObject().put("n", n).put("maglev", maglev).put("strongRing", ring));
      out.printf("weights N=%d: weight 2 takes %.3f x the mean share of the others on Maglev (65,537 entries), %.3f x on a "
          + "ring of 2^23 slots and 16,384 virtual nodes per unit%n", n, maglev, ring);
    }
    out.flush();
    return rows;
  }

  private static double ratio(Ring ring, int n) {
    Map<Integer, Double> shares = RingPicture.of(ring).shares();
    double others = 0;
    for (int id = 1; id < n; id++) {
      others += shares.get(id);
    }
    return shares.get(n) / (others / (n - 1));
  }
}
