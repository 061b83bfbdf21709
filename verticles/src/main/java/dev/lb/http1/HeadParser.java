package dev.lb.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/**
 * Reads the head of an HTTP/1.x request or reply in place, by the rules of RFC 9112, and decides where its body ends.
 * Strict where a relay has to be, since the bytes go on as they came: lines end in CRLF (a bare LF is refused), no
 * obs-fold, no whitespace before a field's colon, no NUL, CR or other control byte in a value, one framing
 * ({@code Transfer-Encoding} ending in {@code chunked}, or one {@code Content-Length} of digits, never both), and
 * for HTTP/1.1 requests exactly one valid {@code Host}. A fault is a {@link BadMessage}; a head not complete yet is
 * null, to be read again once more bytes came.
 */
public final class HeadParser {

  private static final boolean[] TCHAR = new boolean[256];
  private static final boolean[] HOST_CHAR = new boolean[256];
  private static final AsciiString CHUNKED = AsciiString.cached("chunked");
  private static final AsciiString CLOSE = AsciiString.cached("close");
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  private static final AsciiString UPGRADE = AsciiString.cached("upgrade");
  private static final AsciiString H2C = AsciiString.cached("h2c");

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[Character.toUpperCase(c)] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
    System.arraycopy(TCHAR, 0, HOST_CHAR, 0, 256);
    for (char c : "()*+,;=:[]@".toCharArray()) {
      HOST_CHAR[c] = true;
    }
    HOST_CHAR['@'] = false;
    HOST_CHAR['`'] = false;
    HOST_CHAR['|'] = false;
    HOST_CHAR['^'] = false;
    HOST_CHAR['#'] = false;
  }

  private final int maxLine;
  private final int maxHead;

  /** A parser for heads of at most {@code maxHead} bytes, whose request line has at most {@code maxLine}. */
  public HeadParser(int maxLine, int maxHead) {
    this.maxLine = maxLine;
    this.maxHead = maxHead;
  }

  /** The request head that starts at {@code from} in {@code buf}, or null if its end has not come yet. */
  public HttpHead request(ByteBuf buf, int from) {
    HttpHead head = new HttpHead(buf, from);
    int limit = buf.writerIndex();
    int eol = lineEnd(buf, from, limit);
    if (eol < 0) {
      if (limit - from > maxLine) {
        throw new BadMessage(414, "request line too long");
      }
      return null;
    }
    if (eol - from > maxLine) {
      throw new BadMessage(414, "request line too long");
    }
    requestLine(head, buf, from, eol - 1);
    if (!fields(head, buf, eol + 1, limit, from)) {
      return null;
    }
    requestFraming(head);
    return head;
  }

  /**
   * The reply head that starts at {@code from}, or null if incomplete; {@code toHead}: the request was a HEAD, so the
   * reply has no body whatever its fields say.
   */
  public HttpHead reply(ByteBuf buf, int from, boolean toHead) {
    HttpHead head = new HttpHead(buf, from);
    int limit = buf.writerIndex();
    int eol = lineEnd(buf, from, limit);
    if (eol < 0) {
      if (limit - from > maxHead) {
        throw new BadMessage(502, "reply head too large");
      }
      return null;
    }
    statusLine(head, buf, from, eol - 1);
    if (!fields(head, buf, eol + 1, limit, from)) {
      return null;
    }
    replyFraming(head, toHead);
    return head;
  }

  /** The index of the LF ending the line at {@code from}, or -1 if not there yet; a LF without its CR is a fault. */
  private static int lineEnd(ByteBuf buf, int from, int limit) {
    int lf = buf.indexOf(from, limit, (byte) '\n');
    if (lf < 0) {
      return -1;
    }
    if (lf == from || buf.getByte(lf - 1) != '\r') {
      throw new BadMessage("bare LF");
    }
    return lf;
  }

  private static void requestLine(HttpHead head, ByteBuf buf, int from, int cr) {
    int sp1 = from;
    while (sp1 < cr && TCHAR[buf.getByte(sp1) & 0xff]) {
      sp1++;
    }
    if (sp1 == from || sp1 >= cr || buf.getByte(sp1) != ' ') {
      throw new BadMessage("malformed request line");
    }
    head.methodEnd = sp1;
    int t = sp1 + 1;
    int sp2 = t;
    while (sp2 < cr) {
      int b = buf.getByte(sp2) & 0xff;
      if (b == ' ') {
        break;
      }
      if (b <= 0x20 || b >= 0x7f) {
        throw new BadMessage("malformed request target");
      }
      sp2++;
    }
    if (sp2 == t || sp2 >= cr) {
      throw new BadMessage("malformed request line");
    }
    head.targetStart = t;
    head.targetEnd = sp2;
    head.http11 = version(buf, sp2 + 1, cr);
  }

  private static boolean version(ByteBuf buf, int at, int end) {
    if (end - at != 8 || buf.getByte(at) != 'H' || buf.getByte(at + 1) != 'T' || buf.getByte(at + 2) != 'T'
        || buf.getByte(at + 3) != 'P' || buf.getByte(at + 4) != '/' || buf.getByte(at + 5) != '1'
        || buf.getByte(at + 6) != '.') {
      throw new BadMessage("unsupported HTTP version");
    }
    byte minor = buf.getByte(at + 7);
    if (minor != '1' && minor != '0') {
      throw new BadMessage("unsupported HTTP version");
    }
    return minor == '1';
  }

  private static void statusLine(HttpHead head, ByteBuf buf, int from, int cr) {
    if (cr - from < 12 || buf.getByte(from + 8) != ' ') {
      throw new BadMessage(502, "malformed status line");
    }
    try {
      head.http11 = version(buf, from, from + 8);
    } catch (BadMessage e) {
      throw new BadMessage(502, "unsupported HTTP version in reply");
    }
    int status = 0;
    for (int k = from + 9; k < from + 12; k++) {
      byte b = buf.getByte(k);
      if (b < '0' || b > '9') {
        throw new BadMessage(502, "malformed status code");
      }
      status = status * 10 + (b - '0');
    }
    if (status < 100 || (cr > from + 12 && buf.getByte(from + 12) != ' ')) {
      throw new BadMessage(502, "malformed status line");
    }
    head.status = status;
  }

  /** Reads the fields from {@code at} to the blank line; false if it has not come yet. */
  private boolean fields(HttpHead head, ByteBuf buf, int at, int limit, int from) {
    int line = at;
    while (true) {
      int eol = lineEnd(buf, line, limit);
      if (eol < 0) {
        if (limit - from > maxHead) {
          throw new BadMessage(head.methodEnd > 0 ? 431 : 502, "head too large");
        }
        return false;
      }
      if (eol + 1 - from > maxHead) {
        throw new BadMessage(head.methodEnd > 0 ? 431 : 502, "head too large");
      }
      if (eol == line + 1) {
        head.end = eol + 1;
        return true;
      }
      field(head, buf, line, eol - 1);
      line = eol + 1;
    }
  }

  private static void field(HttpHead head, ByteBuf buf, int start, int cr) {
    byte first = buf.getByte(start);
    if (first == ' ' || first == '\t') {
      throw new BadMessage("obs-fold");
    }
    int colon = start;
    while (colon < cr && TCHAR[buf.getByte(colon) & 0xff]) {
      colon++;
    }
    if (colon == start || colon >= cr || buf.getByte(colon) != ':') {
      throw new BadMessage(colon < cr && (buf.getByte(colon) == ' ' || buf.getByte(colon) == '\t')
          ? "whitespace before a field's colon" : "malformed field name");
    }
    int v = colon + 1;
    while (v < cr && isWhite(buf.getByte(v))) {
      v++;
    }
    int ve = cr;
    while (ve > v && isWhite(buf.getByte(ve - 1))) {
      ve--;
    }
    for (int k = v; k < ve; k++) {
      int b = buf.getByte(k) & 0xff;
      if ((b < 0x20 && b != '\t') || b == 0x7f) {
        throw new BadMessage(b == 0 ? "NUL in a field value" : b == '\r' ? "CR in a field value" : "control byte in a field value");
      }
    }
    int kind = KnownField.lookup(buf, start, colon - start);
    head.addField(start, colon, v, ve, kind);
    if (kind >= 0) {
      known(head, KnownField.VALUES[kind], buf, v, ve);
    }
  }

  /** Whether {@code b} may be part of a token, such as a field name (RFC 9110 §5.6.2). */
  static boolean isToken(byte b) {
    return TCHAR[b & 0xff];
  }

  private static boolean isWhite(byte b) {
    return b == ' ' || b == '\t';
  }

  private static void known(HttpHead head, KnownField field, ByteBuf buf, int v, int ve) {
    switch (field) {
      case HOST -> {
        head.hostCount++;
        if (v == ve) {
          throw new BadMessage("empty Host");
        }
        for (int k = v; k < ve; k++) {
          if (!HOST_CHAR[buf.getByte(k) & 0xff]) {
            throw new BadMessage("invalid Host");
          }
        }
      }
      case CONTENT_LENGTH -> contentLength(head, buf, v, ve);
      case TRANSFER_ENCODING -> transferEncoding(head, buf, v, ve);
      case CONNECTION -> connection(head, buf, v, ve);
      case UPGRADE -> upgrade(head, buf, v, ve);
      case EXPECT -> head.expect = true;
      default -> { }
    }
  }

  private static void contentLength(HttpHead head, ByteBuf buf, int v, int ve) {
    int k = v;
    do {
      int digits = k;
      long n = 0;
      while (k < ve && buf.getByte(k) >= '0' && buf.getByte(k) <= '9') {
        n = n * 10 + (buf.getByte(k++) - '0');
        if (k - digits > 18) {
          throw new BadMessage("Content-Length too large");
        }
      }
      if (k == digits) {
        throw new BadMessage("Content-Length is not a number");
      }
      if (head.contentLength >= 0 && head.contentLength != n) {
        throw new BadMessage("differing Content-Length values");
      }
      head.contentLength = n;
      while (k < ve && isWhite(buf.getByte(k))) {
        k++;
      }
      if (k < ve && buf.getByte(k++) != ',') {
        throw new BadMessage("Content-Length is not a number");
      }
      while (k < ve && isWhite(buf.getByte(k))) {
        k++;
      }
    } while (k < ve);
  }

  /** Walks the comma-separated tokens of a list value, calling {@code each} with [start, end) of every one. */
  private interface TokenHandler {
    void token(int start, int end);
  }

  private static void tokens(ByteBuf buf, int v, int ve, TokenHandler each) {
    int k = v;
    while (k < ve) {
      while (k < ve && (isWhite(buf.getByte(k)) || buf.getByte(k) == ',')) {
        k++;
      }
      int s = k;
      while (k < ve && buf.getByte(k) != ',') {
        k++;
      }
      int e = k;
      while (e > s && isWhite(buf.getByte(e - 1))) {
        e--;
      }
      if (e > s) {
        each.token(s, e);
      }
    }
  }

  private static void transferEncoding(HttpHead head, ByteBuf buf, int v, int ve) {
    tokens(buf, v, ve, (s, e) -> {
      for (int k = s; k < e; k++) {
        if (!TCHAR[buf.getByte(k) & 0xff]) {
          throw new BadMessage("malformed Transfer-Encoding");
        }
      }
      if (head.framing == HttpHead.Framing.CHUNKED) {
        throw new BadMessage("Transfer-Encoding after chunked");
      }
      head.framing = is(buf, s, e, CHUNKED) ? HttpHead.Framing.CHUNKED : HttpHead.Framing.UNTIL_CLOSE;
    });
    if (head.framing == HttpHead.Framing.NONE) {
      throw new BadMessage("empty Transfer-Encoding");
    }
  }

  private static void connection(HttpHead head, ByteBuf buf, int v, int ve) {
    tokens(buf, v, ve, (s, e) -> {
      if (is(buf, s, e, CLOSE)) {
        head.connectionClose = true;
      } else if (is(buf, s, e, KEEP_ALIVE)) {
        head.connectionKeepAlive = true;
      } else if (!is(buf, s, e, UPGRADE)) {
        byte[] name = new byte[e - s];
        buf.getBytes(s, name);
        head.nameForDrop(new AsciiString(name, false).toLowerCase());
      }
    });
  }

  /** An upgrade, and whether it lists {@code h2c} (with a version or without): that one is never passed on. */
  private static void upgrade(HttpHead head, ByteBuf buf, int v, int ve) {
    head.upgrade = true;
    tokens(buf, v, ve, (s, e) -> {
      int slash = buf.indexOf(s, e, (byte) '/');
      int name = slash < 0 ? e : slash;
      while (name > s && isWhite(buf.getByte(name - 1))) {
        name--;
      }
      if (is(buf, s, name, H2C)) {
        head.h2c = true;
      }
    });
  }

  private static boolean is(ByteBuf buf, int s, int e, AsciiString token) {
    if (e - s != token.length()) {
      return false;
    }
    for (int k = 0; k < token.length(); k++) {
      if (KnownField.lower(buf.getByte(s + k)) != token.byteAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static void requestFraming(HttpHead head) {
    boolean te = head.framing != HttpHead.Framing.NONE;
    if (te && head.contentLength >= 0) {
      throw new BadMessage("both Transfer-Encoding and Content-Length");
    }
    if (te && !head.http11) {
      throw new BadMessage("Transfer-Encoding in an HTTP/1.0 request");
    }
    if (head.framing == HttpHead.Framing.UNTIL_CLOSE) {
      throw new BadMessage("Transfer-Encoding does not end in chunked");
    }
    if (head.http11 ? head.hostCount != 1 : head.hostCount > 1) {
      throw new BadMessage(head.hostCount == 0 ? "no Host" : "more than one Host");
    }
    if (!te) {
      head.framing = head.contentLength > 0 ? HttpHead.Framing.LENGTH : HttpHead.Framing.NONE;
    }
  }

  private static void replyFraming(HttpHead head, boolean toHead) {
    boolean te = head.framing != HttpHead.Framing.NONE;
    if (te && head.contentLength >= 0) {
      throw new BadMessage(502, "reply with both Transfer-Encoding and Content-Length");
    }
    if (head.framing == HttpHead.Framing.UNTIL_CLOSE) {
      throw new BadMessage(502, "reply Transfer-Encoding does not end in chunked");
    }
    int s = head.status;
    if (toHead || s < 200 || s == 204 || s == 304) {
      head.framing = HttpHead.Framing.NONE;
    } else if (!te) {
      head.framing = head.contentLength > 0 ? HttpHead.Framing.LENGTH
          : head.contentLength == 0 ? HttpHead.Framing.NONE : HttpHead.Framing.UNTIL_CLOSE;
    }
  }
}
