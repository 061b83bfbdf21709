package dev.lb.netns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Picks the hosts' /24: the first of 10.231.0.0/24 .. 10.231.15.0/24 that no root-namespace address or route touches. */
final class Subnets {

  private static final int CANDIDATES = 16;

  private Subnets() {}

  /** The first three octets of a free /24, {@code 10.231.X}. */
  static String free() {
    List<long[]> used = used();
    for (int third = 0; third < CANDIDATES; third++) {
      long network = parse("10.231." + third + ".0");
      if (used.stream().noneMatch(range -> overlaps(range, network, 24))) {
        return "10.231." + third;
      }
    }
    throw new IllegalStateException("10.231.0.0/24 .. 10.231." + (CANDIDATES - 1) + ".0/24 are all in use: " + used);
  }

  /** Each address ({@code inet a.b.c.d/n}) and route destination of the root namespace, as {network, prefix}. */
  private static List<long[]> used() {
    List<long[]> used = new ArrayList<>();
    for (String line : Commands.check("ip", "-4", "-o", "addr", "show").split("\n")) {
      List<String> words = Arrays.asList(line.trim().split("\\s+"));
      int inet = words.indexOf("inet");
      if (inet >= 0 && inet + 1 < words.size()) {
        used.add(range(words.get(inet + 1)));
      }
    }
    for (String line : Commands.check("ip", "-4", "route", "show", "table", "all").split("\n")) {
      String[] words = line.trim().split("\\s+");
      int first = words.length > 1 && words[0].matches("[a-z]+") ? 1 : 0;  // "local", "broadcast", "unicast" ...
      if (words.length > first && words[first].matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) {
        used.add(range(words[first]));
      }
    }
    return used;
  }

  private static long[] range(String cidr) {
    String[] parts = cidr.split("/");
    return new long[] {parse(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 32};
  }

  private static boolean overlaps(long[] range, long network, int prefix) {
    int shorter = (int) Math.min(range[1], prefix);
    long mask = shorter == 0 ? 0 : (0xFFFFFFFFL << (32 - shorter)) & 0xFFFFFFFFL;
    return (range[0] & mask) == (network & mask);
  }

  private static long parse(String address) {
    long value = 0;
    for (String octet : address.split("\\.")) {
      value = value << 8 | Integer.parseInt(octet);
    }
    return value;
  }
}
