package dev.lb.ring;

import java.util.function.IntPredicate;

/**
 * Maps request keys to replicas, named by their ring ids.
 *
 * <p>Rings are immutable values; a change of membership builds a new one.
 */
public interface Ring {

  /** Returned when no member is usable. */
  int NONE = -1;

  /**
   * The first member in the key's preference order that {@code usable} accepts, or {@link #NONE}.
   *
   * <p>The first member of the order is the key's owner; the rest follow clockwise, each once. Passing a predicate
   * that rejects down or already-tried replicas gives failover to the next replica clockwise.
   */
  int owner(long key, IntPredicate usable);

  /** Where {@code key} lands: its slot of the ring, or its entry of a Maglev table. */
  int slotOf(long key);

  /** The ring ids of the members, ascending. */
  int[] members();

  /**
   * The first owner in {@code owners}, read circularly from {@code start}, that {@code usable} accepts: the owner at
   * {@code start} if usable, else the next different one. {@link #NONE} if none is.
   */
  static int firstUsable(int[] owners, int start, IntPredicate usable) {
    int first = owners[start];
    if (first == NONE || usable.test(first)) {
      return first;
    }
    for (int k = 1; k < owners.length; k++) {
      int owner = owners[(start + k) % owners.length];
      if (owner != first && usable.test(owner)) {
        return owner;
      }
    }
    return NONE;
  }
}
