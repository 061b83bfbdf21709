package dev.lb.http;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The times of access log lines, for the one thread that writes them: what a formatter writes of a second is kept
 * while lines of that second come (a few thousand a second), so that each line pays for its milliseconds only.
 */
final class LineClock {

  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
      .withZone(ZoneId.systemDefault());

  private long clfSecond = Long.MIN_VALUE;
  private String clf;
  private long isoSecond = Long.MIN_VALUE;
  private String isoPrefix;

  /** {@code 07/Dec/2026:20:39:33 +0000}, the Common Log Format's time. */
  String clf(long epochMs) {
    long second = Math.floorDiv(epochMs, 1000);
    if (second != clfSecond) {
      clfSecond = second;
      clf = CLF.format(Instant.ofEpochSecond(second));
    }
    return clf;
  }

  /** {@code 2026-12-07T20:39:33.123Z}: ISO 8601 in UTC, always with milliseconds. */
  String iso(long epochMs) {
    long second = Math.floorDiv(epochMs, 1000);
    if (second != isoSecond) {
      String whole = Instant.ofEpochSecond(second).toString();
      isoSecond = second;
      isoPrefix = whole.substring(0, whole.length() - 1);
    }
    int ms = (int) Math.floorMod(epochMs, 1000);
    return isoPrefix + (ms < 10 ? ".00" : ms < 100 ? ".0" : ".") + ms + "Z";
  }
}
