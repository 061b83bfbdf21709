package dev.lb.http1;

import io.netty.util.AsciiString;

/**
 * The header fields a relay has to look at: those that frame a message, route it, or belong to one hop. Every other
 * field passes through as the bytes it came in.
 */
public enum KnownField {
  HOST("host"),
  CONTENT_LENGTH("content-length"),
  TRANSFER_ENCODING("transfer-encoding"),
  CONNECTION("connection", true),
  KEEP_ALIVE("keep-alive", true),
  PROXY_CONNECTION("proxy-connection", true),
  PROXY_AUTHENTICATE("proxy-authenticate", true),
  PROXY_AUTHORIZATION("proxy-authorization", true),
  TE("te", true),
  TRAILER("trailer", true),
  UPGRADE("upgrade", true),
  EXPECT("expect"),
  COOKIE("cookie"),
  X_FORWARDED_FOR("x-forwarded-for"),
  X_FORWARDED_PROTO("x-forwarded-proto"),
  X_FORWARDED_HOST("x-forwarded-host"),
  X_REAL_IP("x-real-ip"),
  FORWARDED("forwarded"),
  LEASE("x-lb-lease"),
  // followed, not framing or routing: they may stand in trailers
  TRACEPARENT("traceparent", false, true),
  TRACESTATE("tracestate", false, true),
  X_REQUEST_ID("x-request-id", false, true);

  static final KnownField[] VALUES = values();

  /** The name in lower case. */
  public final AsciiString name;
  /** Hop-by-hop (RFC 9110 §7.6.1): never forwarded, either way. */
  public final boolean hopByHop;
  /** Allowed in a chunked body's trailers: it says what follows the message, not where it ends or goes. */
  public final boolean mayTrail;

  KnownField(String name) {
    this(name, false);
  }

  KnownField(String name, boolean hopByHop) {
    this(name, hopByHop, false);
  }

  KnownField(String name, boolean hopByHop, boolean mayTrail) {
    this.name = AsciiString.cached(name);
    this.hopByHop = hopByHop;
    this.mayTrail = mayTrail;
  }

  /** The known field named by {@code len} bytes at {@code at} in {@code bytes} (any case), or -1. */
  static int lookup(io.netty.buffer.ByteBuf bytes, int at, int len) {
    // the first letter and the length pick at most a few candidates
    byte first = KnownField.lower(bytes.getByte(at));
    for (KnownField f : VALUES) {
      if (f.name.length() == len && f.name.byteAt(0) == first && matches(bytes, at, f.name)) {
        return f.ordinal();
      }
    }
    return -1;
  }

  /** {@code b} in lower case, if an ASCII letter. */
  static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  private static boolean matches(io.netty.buffer.ByteBuf bytes, int at, AsciiString name) {
    for (int k = 1; k < name.length(); k++) {
      if (KnownField.lower(bytes.getByte(at + k)) != name.byteAt(k)) {
        return false;
      }
    }
    return true;
  }
}
