package dev.lb.ring;

import java.util.List;
import java.util.Locale;

/** The hash families that configuration can name. */
public final class HashFamilies {

  private static final List<HashFamily> ALL =
      List.of(new AssignmentHash(), new SeedHash(), new Murmur3Hash(), new XxHash());

  private HashFamilies() {}

  /** Every family, default first. */
  public static List<HashFamily> all() {
    return ALL;
  }

  /** The family called {@code name} (case-insensitive). */
  public static HashFamily named(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return ALL.stream()
        .filter(f -> f.name().equals(wanted))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown hash family '" + name + "'; choose one of " + names()));
  }

  /** The names of every family, for error messages and documentation. */
  public static List<String> names() {
    return ALL.stream().map(HashFamily::name).toList();
  }
}
