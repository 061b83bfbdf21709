package dev.lb.admin;

import java.util.List;

/**
 * Replica colours by ring id: the one list the dashboard (through {@link NodeView}'s state, which gives each replica its
 * colour) and the load test's charts both draw from, so that a replica looks the same on the dashboard and in every
 * chart. Plain {@code #rrggbb} strings, not {@code java.awt.Color}: the balancer's own runtime image has no
 * {@code java.desktop} module, and the charts decode the strings themselves.
 */
public final class Palette {

  /** Ten colours (Tableau 10), ring id i taking entry (i - 1) mod 10. */
  private static final List<String> HEX = List.of(
      "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac");

  private Palette() {}

  /** The colour of the replica with ring id {@code ringId} as {@code #rrggbb} (1-based; ids past 10 wrap around). */
  public static String hex(int ringId) {
    return HEX.get(Math.floorMod(ringId - 1, HEX.size()));
  }

  /** How many colours there are before they repeat. */
  public static int size() {
    return HEX.size();
  }
}
