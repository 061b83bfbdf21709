package dev.lb.loadtest.report;

import java.util.List;
import java.util.Locale;

/**
 * A Markdown document being written: the one way REPORT.md and bench.md are built, so that both format numbers alike
 * (Locale.ROOT, whatever the machine's locale) and draw their tables alike.
 */
public final class Markdown {

  private final StringBuilder md = new StringBuilder();

  /** {@code format} filled with {@code args} (as {@link String#format}), then a line break. */
  public Markdown line(String format, Object... args) {
    md.append(fmt(format, args)).append('\n');
    return this;
  }

  /** {@code text} as it is, no line break added. */
  public Markdown text(String text) {
    md.append(text);
    return this;
  }

  /** A table: the header, the separator and one row per list of cells. */
  public Markdown table(List<String> header, List<List<String>> rows) {
    md.append("| ").append(String.join(" | ", header)).append(" |\n");
    md.append("|").append("---|".repeat(header.size())).append('\n');
    rows.forEach(r -> md.append("| ").append(String.join(" | ", r)).append(" |\n"));
    return this;
  }

  @Override
  public String toString() {
    return md.toString();
  }

  /** {@link String#format} with the report's separators, not the machine's. */
  public static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** Microseconds as milliseconds with two decimals: 3960 is "3.96". */
  public static String ms(long micros) {
    return fmt("%.2f", micros / 1000.0);
  }

  /** A number as it reads best (12,345 or 61.62), anything else as it is, nothing for null. */
  public static String figure(Object value) {
    if (value instanceof Number n) {
      double v = n.doubleValue();
      return Math.abs(v) >= 100 ? fmt("%,.0f", v) : fmt("%.2f", v);
    }
    return value == null ? "" : String.valueOf(value);
  }
}
