package dev.lb.ring;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the configured ring of a set of members, each a ring id with its weight: a member of weight w takes w times
 * the share of a member of weight 1 (w × K virtual nodes on a ring, w turns per round of a Maglev table).
 */
@FunctionalInterface
public interface RingFactory {

  Ring build(Map<Integer, Integer> weightByRingId);

  /** The ring of {@code ringIds}, each of weight 1. */
  default Ring of(Collection<Integer> ringIds) {
    return build(even(ringIds));
  }

  /** {@code ringIds}, each of weight 1. */
  static Map<Integer, Integer> even(Collection<Integer> ringIds) {
    Map<Integer, Integer> weights = new LinkedHashMap<>();
    ringIds.forEach(id -> weights.put(id, 1));
    return weights;
  }

  /** The weights in ascending ring-id order, checked: each at least 1. */
  static int[][] sorted(Map<Integer, Integer> weightByRingId) {
    int[] ids = weightByRingId.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    int[] weights = new int[ids.length];
    for (int k = 0; k < ids.length; k++) {
      weights[k] = weightByRingId.get(ids[k]);
      if (weights[k] < 1) {
        throw new IllegalArgumentException("weights are at least 1, got " + weights[k] + " for ring id " + ids[k]);
      }
    }
    return new int[][] {ids, weights};
  }
}
