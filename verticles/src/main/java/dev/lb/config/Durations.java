package dev.lb.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as settings are written: a whole number with a unit ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}),
 * or a plain number of milliseconds, as HAProxy reads its times.
 */
public final class Durations {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");

  private Durations() {}

  /** {@code text} in milliseconds; {@code key} names the setting in the error. */
  public static long millis(String text, String key) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + key + "' must be a duration like 250ms, 20s or 2m (a plain number is in ms), "
          + "got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "s" -> n * 1000;
      case "m" -> n * 60_000;
      case "h" -> n * 3_600_000;
      default -> n;
    };
  }
}
