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

  /** The ring ids of the members, ascending. */
  int[] members();
}
