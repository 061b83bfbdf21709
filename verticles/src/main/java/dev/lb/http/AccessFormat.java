package dev.lb.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
      case JSON -> json(e).encode() + "\n";
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

  static JsonObject json(AccessEntry e) {
    int q = e.target.indexOf('?');
    JsonObject line = new JsonObject().put("time", Instant.ofEpochMilli(e.epochMs).toString()).put("client", e.client)
        .put("method", e.method).put("path", q < 0 ? e.target : e.target.substring(0, q))
        .put("query", q < 0 ? null : e.target.substring(q + 1)).put("version", e.version).put("status", e.status)
        .put("bytesIn", e.bytesIn < 0 ? null : e.bytesIn).put("bytesOut", e.bytesOut < 0 ? null : e.bytesOut)
        .put("key", e.slot < 0 ? null : e.key).put("slot", e.slot < 0 ? null : e.slot)
        .put("replica", "-".equals(e.replica) ? null : e.replica);
    JsonArray tries = new JsonArray();
    e.tries.forEach(t -> tries.add(new JsonObject().put("replica", t.replica()).put("outcome", t.outcome())
        .put("ms", t.nanos() / 1e6)));
    return line.put("attempts", tries).put("headMs", e.headNanos < 0 ? null : e.headNanos / 1e6)
        .put("totalMs", e.totalNanos / 1e6).put("traceId", e.traceId).put("referer", e.referer)
        .put("userAgent", e.userAgent).put("end", e.end == null ? null : e.end.json());
  }
}
