package dev.lb.ring;

/**
 * A pair of hash functions that places request keys and virtual nodes on a ring of {@code slots} slots.
 *
 * <p>Implementations are stateless and safe to share.
 */
public interface HashFamily {

  /** The name used in configuration ({@code ring.hash} / {@code LB_HASH}). */
  String name();

  /** The slot of a request key, in {@code [0, slots)}. */
  int requestSlot(long key, int slots);

  /** The preferred slot of virtual node {@code j} of the replica with ring id {@code ringId}, in {@code [0, slots)}. */
  int virtualNodeSlot(int ringId, int j, int slots);
}
