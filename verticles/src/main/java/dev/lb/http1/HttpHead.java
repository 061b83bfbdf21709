package dev.lb.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The head of one HTTP/1.x message as {@link HeadParser} found it, read in place: offsets into the buffer it came
 * in, plus what decides the message's framing, routing and hop-by-hop removal. Strings are made only on demand. The
 * buffer is the caller's; the offsets hold while its bytes stay where they are.
 */
public final class HttpHead {

  /** How the body after this head ends (RFC 9112 §6.3). */
  public enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

  final ByteBuf buf;
  final int start;
  /** Index just after the blank line that ends the head. */
  int end;
  // request line: method, target; status line: status code
  int methodEnd;
  int targetStart;
  int targetEnd;
  int status;
  /** HTTP/1.1 (true) or HTTP/1.0. */
  boolean http11;
  // header fields: [nameStart, nameEnd, valueStart, valueEnd] per field, offsets from buf's index 0
  int[] fields = new int[64];
  int count;
  /** Per field: one of the {@link KnownField} ordinals or -1. */
  byte[] kinds = new byte[16];
  Framing framing = Framing.NONE;
  long contentLength = -1;
  boolean connectionClose;
  boolean connectionKeepAlive;
  /** Fields named by the Connection header besides close/keep-alive/upgrade: dropped when forwarding. */
  AsciiString[] connectionNamed;
  int connectionNamedCount;
  boolean upgrade;
  boolean h2c;
  boolean expect;
  int hostCount;

  HttpHead(ByteBuf buf, int start) {
    this.buf = buf;
    this.start = start;
  }

  /** The head's length in bytes, blank line included. */
  public int length() {
    return end - start;
  }

  public int start() {
    return start;
  }

  public int end() {
    return end;
  }

  public Framing framing() {
    return framing;
  }

  /** The declared body length ({@link Framing#LENGTH}), else -1. */
  public long contentLength() {
    return contentLength;
  }

  public boolean http11() {
    return http11;
  }

  /** Whether the connection ends after this message: {@code Connection: close}, or HTTP/1.0 without keep-alive. */
  public boolean closes() {
    return connectionClose || (!http11 && !connectionKeepAlive);
  }

  public boolean upgrade() {
    return upgrade;
  }

  /** An {@code Upgrade} that lists {@code h2c}: the balancer serves HTTP/2 itself and never tunnels it to a replica. */
  public boolean h2c() {
    return h2c;
  }

  public boolean expect() {
    return expect;
  }

  /** A reply's status code. */
  public int status() {
    return status;
  }

  public String method() {
    return buf.toString(start, methodEnd - start, StandardCharsets.US_ASCII);
  }

  /** Whether the request's method is {@code name} (upper case, as methods are case-sensitive). */
  public boolean methodIs(AsciiString name) {
    return methodEnd - start == name.length() && equalsAt(start, name, false);
  }

  public String target() {
    return buf.toString(targetStart, targetEnd - targetStart, StandardCharsets.US_ASCII);
  }

  /** Whether the target is in origin form (a path, with or without a query), as a request to a server mostly is. */
  public boolean originForm() {
    return buf.getByte(targetStart) == '/';
  }

  /** The target's path, without the query. */
  public String path() {
    int q = buf.indexOf(targetStart, targetEnd, (byte) '?');
    return buf.toString(targetStart, (q < 0 ? targetEnd : q) - targetStart, StandardCharsets.US_ASCII);
  }

  /** Whether the target's path is exactly {@code path}, or {@code path} followed by a query. */
  public boolean pathIs(AsciiString path) {
    int n = path.length();
    int len = targetEnd - targetStart;
    return (len == n || (len > n && buf.getByte(targetStart + n) == '?')) && equalsAt(targetStart, path, false);
  }

  /** Whether the target's path is {@code path} or below it: {@code path}, then the end, {@code /} or {@code ?}. */
  public boolean pathUnder(AsciiString path) {
    int n = path.length();
    int len = targetEnd - targetStart;
    if (len < n || !equalsAt(targetStart, path, false)) {
      return false;
    }
    byte next = len == n ? (byte) '?' : buf.getByte(targetStart + n);
    return next == '?' || next == '/';
  }

  public int fieldCount() {
    return count;
  }

  public int nameStart(int field) {
    return fields[field * 4];
  }

  public int lineEnd(int field) {
    // the field's line ends with CRLF after its value and optional whitespace: the next field's name, or the blank line
    return field + 1 < count ? fields[(field + 1) * 4] : end - 2;
  }

  /** The known field the {@code field}-th is, or null. */
  public KnownField kind(int field) {
    byte k = kinds[field];
    return k < 0 ? null : KnownField.VALUES[k];
  }

  /** Whether the {@code field}-th is named in the Connection header (so it is hop-by-hop). */
  public boolean connectionNamed(int field) {
    for (int k = 0; k < connectionNamedCount; k++) {
      AsciiString n = connectionNamed[k];
      int ns = fields[field * 4];
      if (fields[field * 4 + 1] - ns == n.length() && equalsAt(ns, n, true)) {
        return true;
      }
    }
    return false;
  }

  public String name(int field) {
    return buf.toString(fields[field * 4], fields[field * 4 + 1] - fields[field * 4], StandardCharsets.US_ASCII);
  }

  public String value(int field) {
    return buf.toString(fields[field * 4 + 2], fields[field * 4 + 3] - fields[field * 4 + 2], StandardCharsets.ISO_8859_1);
  }

  /** The first value of the field named {@code name} (any case), or null. */
  public String value(CharSequence name) {
    int i = find(name, 0);
    return i < 0 ? null : value(i);
  }

  /** The index of the first field named {@code name} at or after {@code from}, or -1. */
  public int find(CharSequence name, int from) {
    AsciiString n = AsciiString.of(name);
    for (int f = from; f < count; f++) {
      int ns = fields[f * 4];
      if (fields[f * 4 + 1] - ns == n.length() && equalsAt(ns, n, true)) {
        return f;
      }
    }
    return -1;
  }

  private boolean equalsAt(int at, AsciiString s, boolean ignoreCase) {
    for (int k = 0; k < s.length(); k++) {
      byte b = buf.getByte(at + k);
      byte c = s.byteAt(k);
      if (b != c && !(ignoreCase && KnownField.lower(b) == KnownField.lower(c))) {
        return false;
      }
    }
    return true;
  }

  void addField(int nameStart, int nameEnd, int valueStart, int valueEnd, int kind) {
    if ((count + 1) * 4 > fields.length) {
      fields = java.util.Arrays.copyOf(fields, fields.length * 2);
    }
    if (count == kinds.length) {
      kinds = java.util.Arrays.copyOf(kinds, kinds.length * 2);
    }
    int at = count * 4;
    fields[at] = nameStart;
    fields[at + 1] = nameEnd;
    fields[at + 2] = valueStart;
    fields[at + 3] = valueEnd;
    kinds[count++] = (byte) kind;
  }

  void nameForDrop(AsciiString name) {
    if (connectionNamed == null) {
      connectionNamed = new AsciiString[4];
    } else if (connectionNamedCount == connectionNamed.length) {
      connectionNamed = java.util.Arrays.copyOf(connectionNamed, connectionNamedCount * 2);
    }
    connectionNamed[connectionNamedCount++] = name;
  }
}
