package dev.lb.ring;

import java.util.Locale;

/** How a virtual node whose preferred slot is taken finds a free one. */
public enum Probing {
  /** {@code s, s+1, s+2, ...} */
  LINEAR,
  /** {@code s, s+1, s+4, s+9, ...}; falls back to linear if the quadratic sequence cycles without a free slot. */
  QUADRATIC;

  /** The {@code attempt}-th slot to try after {@code preferred} (attempt 0 is the preferred slot). */
  int probe(int preferred, int attempt, int slots) {
    long step = this == LINEAR ? attempt : (long) attempt * attempt;
    return (int) Math.floorMod(preferred + step, (long) slots);
  }

  /** The probing called {@code name} (case-insensitive). */
  public static Probing named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown probing '" + name + "'; choose linear or quadratic", e);
    }
  }
}
