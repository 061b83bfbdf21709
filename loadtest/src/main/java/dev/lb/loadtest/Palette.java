package dev.lb.loadtest;

import java.awt.Color;
import java.util.List;

/**
 * Replica colours by ring id, so a replica looks the same in every chart. The dashboard uses these same ten values
 * in the same order (ring id i gets entry (i − 1) mod 10): change them in both places or in neither.
 */
public final class Palette {

  private static final List<String> HEX = List.of(
      "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac");

  private Palette() {}

  /** The colour of the replica with ring id {@code ringId} (1-based; ids past 10 wrap around). */
  public static Color forRingId(int ringId) {
    return Color.decode(hex(ringId));
  }

  /** The colour of the replica with ring id {@code ringId} as {@code #rrggbb}, as the dashboard writes it. */
  public static String hex(int ringId) {
    return HEX.get(Math.floorMod(ringId - 1, HEX.size()));
  }
}
