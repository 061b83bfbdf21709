package dev.lb.http;

import java.util.Locale;

/**
 * The formats of the access log ({@code access.log.format}): {@code common}, the Common Log Format followed by the
 * replica and the time taken, as the log has always written; {@code combined}, Apache's, with the Referer and
 * User-Agent, then the same two; {@code json}, one object per line with the tries, the key and its slot, the bytes each
 * way and how the request ended.
 */
public enum AccessFormat {
  COMMON, COMBINED, JSON;

  /** The format named {@code name}; an {@link IllegalArgumentException} naming the choices otherwise. */
  public static AccessFormat named(String name) {
    for (AccessFormat f : values()) {
      if (f.name().equalsIgnoreCase(name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown access log format '" + name + "'; choose common, combined or json");
  }

  /** The line of {@code e}, with its newline (its time formatted anew: see {@link #line(AccessEntry, LineClock)}). */
  String line(AccessEntry e) {
    return line(e, new LineClock());
  }

  /** The line of {@code e}, with its newline, its time from {@code clock} (the writing thread's own). */
  String line(AccessEntry e, LineClock clock) {
    return switch (this) {
      case COMMON -> millis(request(e, clock).append(" \"").append(e.replica).append("\" "), e.totalNanos).append('\n')
          .toString();
      case COMBINED -> millis(request(e, clock).append(" \"").append(quoted(e.referer)).append("\" \"")
          .append(quoted(e.userAgent)).append("\" \"").append(e.replica).append("\" "), e.totalNanos).append('\n')
          .toString();
      case JSON -> json(e, clock) + "\n";
    };
  }

  /** {@code client - - [time] "METHOD target VERSION" status bytes}. */
  private static StringBuilder request(AccessEntry e, LineClock clock) {
    StringBuilder b = new StringBuilder(160).append(e.client).append(" - - [").append(clock.clf(e.epochMs)).append("] \"")
        .append(e.method).append(' ').append(e.target).append(' ').append(e.version).append("\" ").append(e.status)
        .append(' ');
    return e.bytesOut < 0 ? b.append('-') : b.append(e.bytesOut);
  }

  /** Milliseconds with three decimals ({@code 12.345}), written without a formatter. */
  static StringBuilder millis(StringBuilder b, long nanos) {
    long micros = Math.max(0, (nanos + 500) / 1000);
    long fraction = micros % 1000;
    return b.append(micros / 1000).append(fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".").append(fraction);
  }

  private static String quoted(String value) {
    return value == null ? "-" : value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /**
   * The JSON line, written by hand: a JSON object per line is what costs the log its CPU, and its writer thread shares
   * the machine with the event loops (encoding through a {@code JsonObject} took 13 % of the bench's requests per
   * second; see the README's "Logs").
   */
  static String json(AccessEntry e, LineClock clock) {
    int q = e.target.indexOf('?');
    StringBuilder b = new StringBuilder(384).append('{');
    string(b, "time", clock.iso(e.epochMs)).append(',');
    string(b, "client", e.client).append(',');
    string(b, "method", e.method).append(',');
    string(b, "path", q < 0 ? e.target : e.target.substring(0, q)).append(',');
    string(b, "query", q < 0 ? null : e.target.substring(q + 1)).append(',');
    string(b, "version", e.version).append(',');
    number(b, "status", e.status).append(',');
    number(b, "bytesIn", e.bytesIn < 0 ? null : e.bytesIn).append(',');
    number(b, "bytesOut", e.bytesOut < 0 ? null : e.bytesOut).append(',');
    number(b, "key", e.slot < 0 ? null : e.key).append(',');
    number(b, "slot", e.slot < 0 ? null : e.slot).append(',');
    string(b, "replica", "-".equals(e.replica) ? null : e.replica).append(",\"attempts\":[");
    for (int k = 0; k < e.tries.size(); k++) {
      AccessEntry.Try t = e.tries.get(k);
      b.append(k == 0 ? "{" : ",{");
      string(b, "replica", t.replica()).append(',');
      string(b, "outcome", t.outcome()).append(',');
      millis(b.append("\"ms\":"), t.nanos()).append('}');
    }
    b.append("],");
    if (e.headNanos < 0) {
      b.append("\"headMs\":null,");
    } else {
      millis(b.append("\"headMs\":"), e.headNanos).append(',');
    }
    millis(b.append("\"totalMs\":"), e.totalNanos).append(',');
    string(b, "traceId", e.traceId).append(',');
    string(b, "requestId", e.requestId).append(',');
    string(b, "referer", e.referer).append(',');
    string(b, "userAgent", e.userAgent).append(',');
    return string(b, "end", e.end == null ? null : e.end.json()).append('}').toString();
  }

  private static StringBuilder number(StringBuilder b, String name, Number value) {
    b.append('"').append(name).append("\":");
    return value == null ? b.append("null") : value instanceof Long l ? b.append(l.longValue())
        : value instanceof Integer i ? b.append(i.intValue()) : b.append(value);
  }

  /** {@code "name":"value"} with the value escaped as RFC 8259 says, or {@code null}. */
  private static StringBuilder string(StringBuilder b, String name, String value) {
    b.append('"').append(name).append("\":");
    if (value == null) {
      return b.append("null");
    }
    b.append('"');
    int plain = 0;
    while (plain < value.length() && value.charAt(plain) >= 0x20 && value.charAt(plain) != '"'
        && value.charAt(plain) != '\\') {
      plain++;
    }
    // most values need no escape: they go in whole
    b.append(value, 0, plain);
    for (int k = plain; k < value.length(); k++) {
      char c = value.charAt(k);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }
}
