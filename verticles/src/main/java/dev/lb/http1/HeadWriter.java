package dev.lb.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * A head as it goes on: the original bytes, line by line, with a relay's edits spliced in. Going to a replica, the
 * hop-by-hop fields, those the {@code Connection} header names, the balancer's lease header and the client's own
 * forwarding fields are left out, and this hop's {@code X-Forwarded-For}, {@code X-Real-IP},
 * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code Forwarded} (RFC 7239) are added. Going to a client,
 * the hop-by-hop fields are left out, and {@code Connection: close} is added when the connection ends after it.
 * {@code Transfer-Encoding} stays both ways: the body goes on in the framing it came in. A length goes on as one
 * {@code Content-Length} field of the value the parser settled on, however many fields or list members it came in
 * ({@code 5, 5}), so that the next hop cannot read it otherwise.
 */
public final class HeadWriter {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] XFF = bytes("x-forwarded-for: ");
  private static final byte[] X_REAL_IP = bytes("\r\nx-real-ip: ");
  private static final byte[] X_PROTO_HTTP = bytes("\r\nx-forwarded-proto: http");
  private static final byte[] X_PROTO_HTTPS = bytes("\r\nx-forwarded-proto: https");
  private static final byte[] X_HOST = bytes("x-forwarded-host: ");
  private static final byte[] FORWARDED = bytes("forwarded: ");
  private static final byte[] FOR = bytes("for=");
  private static final byte[] HOST = bytes("host=\"");
  private static final byte[] PROTO_HTTP = bytes("proto=http\r\n");
  private static final byte[] PROTO_HTTPS = bytes("proto=https\r\n");
  private static final byte[] CONNECTION_CLOSE = bytes("connection: close\r\n");
  private static final byte[] CONTENT_LENGTH = bytes("content-length: ");

  private HeadWriter() {}

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** How a client is named in forwarding fields: its address as text, and as {@code Forwarded} wants it. */
  public record Client(byte[] address, byte[] forwardedFor) {

    public static Client of(String address) {
      String quoted = address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
      return new Client(bytes(address), bytes(quoted));
    }
  }

  /**
   * The request head to send to a replica; {@code trustForwarded}: a trusted proxy's {@code X-Forwarded-For} and
   * {@code Forwarded} are kept and extended rather than replaced.
   */
  public static ByteBuf request(ByteBufAllocator alloc, HttpHead head, Client client, boolean secure,
      boolean trustForwarded) {
    return request(alloc, head, client, secure, trustForwarded, HeadEdits.NONE);
  }

  /** The same, with the request's own {@code edits} (trace context, request id) made. */
  public static ByteBuf request(ByteBufAllocator alloc, HttpHead head, Client client, boolean secure,
      boolean trustForwarded, HeadEdits edits) {
    ByteBuf buf = head.buf;
    ByteBuf out = alloc.directBuffer(head.length() + 192 + 3 * client.address().length);
    int first = head.fieldCount() > 0 ? head.nameStart(0) : head.end() - 2;
    out.writeBytes(buf, head.start(), first - head.start());
    int host = -1;
    int xff = -1;
    int forwardedStart = -1;
    for (int f = 0; f < head.fieldCount(); f++) {
      KnownField kind = head.kind(f);
      if (kind != null) {
        switch (kind) {
          case HOST -> host = f;
          case X_FORWARDED_FOR -> xff = xff < 0 ? f : xff;
          case FORWARDED -> forwardedStart = forwardedStart < 0 ? f : forwardedStart;
          default -> { }
        }
        if (kind.hopByHop || dropped(kind) || edits.drops(kind)) {
          continue;
        }
      } else if (head.connectionNamedCount > 0 && head.connectionNamed(f)) {
        continue;
      }
      out.writeBytes(buf, head.nameStart(f), head.lineEnd(f) - head.nameStart(f));
    }
    contentLength(head, out);
    out.writeBytes(XFF);
    if (trustForwarded && xff >= 0 && value(head, xff, out)) {
      out.writeByte(',').writeByte(' ');
    }
    out.writeBytes(client.address()).writeBytes(X_REAL_IP).writeBytes(client.address())
        .writeBytes(secure ? X_PROTO_HTTPS : X_PROTO_HTTP).writeBytes(CRLF);
    if (host >= 0) {
      out.writeBytes(X_HOST);
      value(head, host, out);
      out.writeBytes(CRLF);
    }
    out.writeBytes(FORWARDED);
    if (trustForwarded && forwardedStart >= 0) {
      for (int f = forwardedStart; f >= 0; f = head.find(KnownField.FORWARDED.name, f + 1)) {
        if (value(head, f, out)) {
          out.writeByte(',').writeByte(' ');
        }
      }
    }
    out.writeBytes(FOR).writeBytes(client.forwardedFor()).writeByte(';');
    if (host >= 0) {
      out.writeBytes(HOST);
      int vs = head.fields[host * 4 + 2];
      for (int k = vs; k < head.fields[host * 4 + 3]; k++) {
        byte b = buf.getByte(k);
        if (b == '"' || b == '\\') {
          out.writeByte('\\');
        }
        out.writeByte(b);
      }
      out.writeByte('"').writeByte(';');
    }
    out.writeBytes(secure ? PROTO_HTTPS : PROTO_HTTP);
    edits.append(out);
    out.writeBytes(CRLF);
    return out;
  }

  private static boolean dropped(KnownField kind) {
    return switch (kind) {
      case CONTENT_LENGTH, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, X_REAL_IP, FORWARDED, LEASE -> true;
      default -> false;
    };
  }

  /** The one {@code Content-Length} field, if the head had any. */
  private static void contentLength(HttpHead head, ByteBuf out) {
    long n = head.contentLength();
    if (n < 0) {
      return;
    }
    out.writeBytes(CONTENT_LENGTH);
    if (n == 0) {
      out.writeByte('0');
    } else {
      long scale = 1;
      while (scale <= n / 10) {
        scale *= 10;
      }
      for (; scale > 0; scale /= 10) {
        out.writeByte((int) ('0' + n / scale % 10));
      }
    }
    out.writeBytes(CRLF);
  }

  /** Writes the {@code f}-th field's value; false if it was empty (nothing written). */
  private static boolean value(HttpHead head, int f, ByteBuf out) {
    int vs = head.fields[f * 4 + 2];
    int ve = head.fields[f * 4 + 3];
    out.writeBytes(head.buf, vs, ve - vs);
    return ve > vs;
  }

  /** The reply head to send to the client, {@code close}: with {@code Connection: close}. */
  public static ByteBuf reply(ByteBufAllocator alloc, HttpHead head, boolean close) {
    ByteBuf buf = head.buf;
    ByteBuf out = alloc.directBuffer(head.length() + CONNECTION_CLOSE.length + CONTENT_LENGTH.length + 20);
    int first = head.fieldCount() > 0 ? head.nameStart(0) : head.end() - 2;
    out.writeBytes(buf, head.start(), first - head.start());
    for (int f = 0; f < head.fieldCount(); f++) {
      KnownField kind = head.kind(f);
      // a field the relay frames the reply by stays, whatever Connection names
      if ((kind != null && (kind.hopByHop || kind == KnownField.CONTENT_LENGTH))
          || (kind == null && head.connectionNamedCount > 0 && head.connectionNamed(f))) {
        continue;
      }
      out.writeBytes(buf, head.nameStart(f), head.lineEnd(f) - head.nameStart(f));
    }
    contentLength(head, out);
    if (close) {
      out.writeBytes(CONNECTION_CLOSE);
    }
    return out.writeBytes(CRLF);
  }
}
