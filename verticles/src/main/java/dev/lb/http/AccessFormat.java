package dev.lb.http;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The formats of the access log ({@code access.log.format}): {@code common}, the Common Log Format followed by the
 * replica and the time taken, as the log has always written; {@code combined}, Apache's, with the Referer and
 * User-Agent, then the same two; {@code json}, one object per line with the tries, the key and its slot, the bytes each
 * way and how the request ended.
 */
public enum AccessFormat {
  COMMON, COMBINED, JSON;

  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
      .withZone(ZoneId.systemDefault());

  /** The format named {@code name}; an {@link IllegalArgumentException} naming the choices otherwise. */
  public static AccessFormat named(String name) {
    for (AccessFormat f : values()) {
      if (f.name().equalsIgnoreCase(name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown access log format '" + name + "'; choose common, combined or json");
  }

  /** The line of {@code e}, with its newline. */
  String line(AccessEntry e) {
    return switch (this) {
      case COMMON -> request(e) + " \"" + e.replica + "\" " + AccessLog.millis(e.totalNanos) + "\n";
      case COMBINED -> request(e) + " \"" + quoted(e.referer) + "\" \"" + quoted(e.userAgent) + "\" \"" + e.replica
          + "\" " + AccessLog.millis(e.totalNanos) + "\n";
      case JSON -> json(e) + "\n";
    };
  }

  /** {@code client - - [time] "METHOD target VERSION" status bytes}. */
  private static String request(AccessEntry e) {
    return e.client + " - - [" + CLF.format(Instant.ofEpochMilli(e.epochMs)) + "] \"" + e.method + " " + e.target + " "
        + e.version + "\" " + e.status + " " + (e.bytesOut < 0 ? "-" : String.valueOf(e.bytesOut));
  }

  private static String quoted(String value) {
    return value == null ? "-" : value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /**
   * The JSON line, written by hand: a JSON object per line is what costs the log its CPU, and its writer thread shares
   * the machine with the event loops (encoding through a {@code JsonObject} took 13 % of the bench's requests per
   * second; see the README's "Logs").
   */
  static String json(AccessEntry e) {
    int q = e.target.indexOf('?');
    StringBuilder b = new StringBuilder(384).append('{');
    string(b, "time", Instant.ofEpochMilli(e.epochMs).toString()).append(',');
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
      number(b, "ms", t.nanos() / 1e6).append('}');
    }
    b.append("],");
    number(b, "headMs", e.headNanos < 0 ? null : e.headNanos / 1e6).append(',');
    number(b, "totalMs", e.totalNanos / 1e6).append(',');
    string(b, "traceId", e.traceId).append(',');
    string(b, "requestId", e.requestId).append(',');
    string(b, "referer", e.referer).append(',');
    string(b, "userAgent", e.userAgent).append(',');
    return string(b, "end", e.end == null ? null : e.end.json()).append('}').toString();
  }

  private static StringBuilder number(StringBuilder b, String name, Number value) {
    return b.append('"').append(name).append("\":").append(value == null ? "null" : value.toString());
  }

  /** {@code "name":"value"} with the value escaped as RFC 8259 says, or {@code null}. */
  private static StringBuilder string(StringBuilder b, String name, String value) {
    b.append('"').append(name).append("\":");
    if (value == null) {
      return b.append("null");
    }
    b.append('"');
    for (int k = 0; k < value.length(); k++) {
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
