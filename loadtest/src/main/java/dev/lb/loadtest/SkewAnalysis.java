package dev.lb.loadtest;

import dev.lb.ring.ConsistentHashRing;
import dev.lb.ring.HashFamily;
import dev.lb.ring.Probing;
import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Exact, offline: where a hash family's ring (M = 512, K = 9, N = 3) sends every 6-digit request id, the id space
 * the assignment draws from. Shows why a family is skewed: which slots its H can reach at all, where the virtual
 * nodes sit, and how much of the id space lands past the last virtual node and wraps to the first.
 */
final class SkewAnalysis {

  private static final int FIRST_ID = 100_000;
  private static final int LAST_ID = 999_999;

  private SkewAnalysis() {}

  static JsonObject of(HashFamily family, int n) {
    RingSpec spec = new RingSpec(512, 9, family, Probing.LINEAR);
    List<Integer> ids = new ArrayList<>();
    for (int id = 1; id <= n; id++) {
      ids.add(id);
    }
    ConsistentHashRing ring = ConsistentHashRing.build(spec, ids);
    int[] nodes = ring.nodeSlots();
    int lastNode = nodes[nodes.length - 1];
    BitSet reached = new BitSet(spec.slots());
    long[] perOwner = new long[n + 1];
    long wrapped = 0;
    for (long i = FIRST_ID; i <= LAST_ID; i++) {
      int slot = ring.slotOf(i);
      reached.set(slot);
      perOwner[ring.ownerFromSlot(slot, id -> true)]++;
      if (slot > lastNode) {
        wrapped++;
      }
    }
    long total = LAST_ID - FIRST_ID + 1L;
    JsonObject shares = new JsonObject();
    JsonObject nodeSlots = new JsonObject();
    double maxShare = 0;
    for (int id = 1; id <= n; id++) {
      double share = perOwner[id] / (double) total;
      maxShare = Math.max(maxShare, share);
      shares.put("Server " + id, Stats.round3(share));
      int owner = id;
      nodeSlots.put("Server " + id, new JsonArray(Arrays.stream(nodes).filter(s -> ring.nodeAt(s) == owner).boxed().toList()));
    }
    return new JsonObject()
        .put("family", family.name()).put("N", n).put("ids", total)
        .put("reachableSlots", reached.cardinality())
        .put("virtualNodeSlots", nodeSlots)
        .put("firstNode", nodes[0]).put("lastNode", lastNode)
        .put("shareWrappingToFirstNode", Stats.round3(wrapped / (double) total))
        .put("shareOfIds", shares)
        .put("expectedMaxOverMean", Stats.round3(maxShare * n));
  }
}
