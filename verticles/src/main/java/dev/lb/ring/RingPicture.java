package dev.lb.ring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a picture of a ring shows: its slots as arcs of one owner each (clockwise, from slot 0), the slots of its
 * virtual nodes, each member's share, and where a key lands. A consistent hash ring is drawn slot by slot; a Maglev
 * table, which has no circle, as {@value #MAGLEV_BINS} bins of its entries (each bin showing its first entry's owner).
 *
 * @param kind   {@code consistent} or {@code maglev}
 * @param slots  how many slots (or bins) the picture has
 * @param arcs   runs of slots with one owner, covering every slot
 * @param nodes  the virtual nodes (none for Maglev)
 * @param shares each member's fraction of slots or table entries, by ring id
 */
public record RingPicture(String kind, int slots, List<Arc> arcs, List<Node> nodes, Map<Integer, Double> shares) {

  static final int MAGLEV_BINS = 1024;

  /** Slots {@code from} to {@code to} (inclusive) are served by ring id {@code ringId} ({@link Ring#NONE}: nobody). */
  public record Arc(int from, int to, int ringId) { }

  /** A virtual node of ring id {@code ringId} at {@code slot}. */
  public record Node(int slot, int ringId) { }

  public static RingPicture of(Ring ring) {
    if (ring instanceof ConsistentHashRing c) {
      int slots = c.spec().slots();
      int[] owners = new int[slots];
      for (int s = 0; s < slots; s++) {
        owners[s] = c.ownerFromSlot(s, id -> true);
      }
      List<Node> nodes = new ArrayList<>();
      for (int slot : c.nodeSlots()) {
        nodes.add(new Node(slot, c.nodeAt(slot)));
      }
      return new RingPicture("consistent", slots, arcs(owners), nodes, shares(owners));
    }
    MaglevTable m = (MaglevTable) ring;
    int[] owners = new int[MAGLEV_BINS];
    for (int b = 0; b < MAGLEV_BINS; b++) {
      owners[b] = m.members().length == 0 ? Ring.NONE : m.ownerAt((int) ((long) b * m.size() / MAGLEV_BINS));
    }
    Map<Integer, Double> shares = new LinkedHashMap<>();
    int[] members = m.members();
    int[] counts = members.length == 0 ? new int[0] : m.entriesPerMember();
    for (int k = 0; k < members.length; k++) {
      shares.put(members[k], counts[k] / (double) m.size());
    }
    return new RingPicture("maglev", MAGLEV_BINS, arcs(owners), List.of(), shares);
  }

  /** The slot (or bin) of the picture where {@code key} lands. */
  public static int slotOf(Ring ring, long key) {
    if (ring instanceof ConsistentHashRing c) {
      return c.slotOf(key);
    }
    MaglevTable m = (MaglevTable) ring;
    return (int) ((long) m.entryOf(key) * MAGLEV_BINS / m.size());
  }

  private static List<Arc> arcs(int[] owners) {
    List<Arc> arcs = new ArrayList<>();
    int start = 0;
    for (int s = 1; s <= owners.length; s++) {
      if (s == owners.length || owners[s] != owners[start]) {
        arcs.add(new Arc(start, s - 1, owners[start]));
        start = s;
      }
    }
    return arcs;
  }

  private static Map<Integer, Double> shares(int[] owners) {
    Map<Integer, Double> shares = new LinkedHashMap<>();
    for (int owner : owners) {
      if (owner != Ring.NONE) {
        shares.merge(owner, 1.0 / owners.length, Double::sum);
      }
    }
    return shares;
  }
}
