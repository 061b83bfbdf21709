package dev.lb.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One routed request as the access log records it, filled by its exchange on the event loop as the request goes (its
 * tries, the bytes, the reply's status) and handed to the {@link AccessLog} once, when it ends; formatted off the loop.
 */
public final class AccessEntry {

  /** Why the exchange ended. */
  public enum End {
    /** A replica's reply was passed on whole (or the assignment's 400 for its 404). */
    REPLIED,
    /** A replica's reply broke off midway. */
    BROKEN,
    /** The client went away before its reply was passed on whole. */
    CLIENT_GONE,
    /** No replica answered in time. */
    TIMEOUT,
    /** No replica was up to take it. */
    NO_REPLICA,
    /** Every replica tried failed. */
    FAILED,
    /** The replica was at its cap of requests in flight, and its queue full or waited out. */
    OVERLOADED,
    /** The balancer answered it itself (a bad request, a body over the limit). */
    REFUSED;

    /** The word of the JSON line: {@code replied}, {@code client_gone} … */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One try: the replica, what came of it ({@code 200}, {@code 503}, {@code refused}, {@code timed_out} …), how long. */
  public record Try(String replica, String outcome, long nanos) { }

  final long epochMs = System.currentTimeMillis();
  final long began = System.nanoTime();
  final String client;
  final String method;
  final String target;
  final String version;
  String referer;
  String userAgent;
  String traceId;
  String requestId;
  long key;
  int slot = -1;
  int status;
  long bytesIn = -1;
  long bytesOut = -1;
  String replica = "-";
  long headNanos = -1;
  long totalNanos;
  End end;
  final List<Try> tries = new ArrayList<>(2);

  AccessEntry(String client, String method, String target, String version) {
    this.client = client == null ? "-" : client;
    this.method = method;
    this.target = target;
    this.version = version;
  }

  /** What the request said of itself: its Referer, User-Agent and the trace id of its {@code traceparent}, if any. */
  public AccessEntry headers(String referer, String userAgent, String traceparent) {
    this.referer = referer;
    this.userAgent = userAgent;
    this.traceId = traceIdOf(traceparent);
    return this;
  }

  /** The request's id ({@code X-Request-Id}) and, when traced, its trace id (which the client's may have given). */
  public AccessEntry traced(String requestId, String traceId) {
    this.requestId = requestId;
    if (traceId != null) {
      this.traceId = traceId;
    }
    return this;
  }

  /** The request's key and the ring slot (or Maglev entry) it lands on. */
  public AccessEntry key(long key, int slot) {
    this.key = key;
    this.slot = slot;
    return this;
  }

  /** A try ended: on {@code replica}, with {@code outcome}, after {@code nanos}. */
  public void tried(String replica, String outcome, long nanos) {
    tries.add(new Try(replica, outcome, nanos));
  }

  /** The reply's head came from {@code replica}, {@code nanos} after its try began. */
  public void answeredBy(String replica, int status, long nanos) {
    this.replica = replica;
    this.status = status;
    this.headNanos = nanos;
  }

  public void status(int status) {
    this.status = status;
  }

  public void bytesIn(long bytes) {
    this.bytesIn = bytes;
  }

  /** {@code bytes} more of the reply's body went to the client. */
  public void sent(long bytes) {
    bytesOut = Math.max(0, bytesOut) + bytes;
  }

  /** The reply's body length as its head declared it, when its bytes are not counted one by one. */
  public void declared(String contentLength) {
    try {
      bytesOut = contentLength == null ? -1 : Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      bytesOut = -1;
    }
  }

  void ended(End how) {
    end = how;
    totalNanos = System.nanoTime() - began;
  }

  /** The 32 hex digits of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), or null. */
  static String traceIdOf(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String t = traceparent.trim();
    if (t.length() < 55 || t.charAt(2) != '-' || t.charAt(35) != '-') {
      return null;
    }
    String id = t.substring(3, 35).toLowerCase(Locale.ROOT);
    return id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) && !id.equals("0".repeat(32))
        ? id : null;
  }
}
