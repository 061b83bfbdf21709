package dev.lb.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The relay's parser against a reference decoder (Netty's {@code HttpRequestDecoder} on an {@code EmbeddedChannel}):
 * for generated well-formed requests, each followed by another one, both read the same method, target and fields,
 * and the same body, ending at the same byte, whatever the pieces the bytes come in.
 */
class HeadParserPropertyTest {

  private static final HeadParser PARSER = new HeadParser(8192, 65536);

  record Request(String method, String target, List<Map.Entry<String, String>> fields, byte[] body, boolean chunked,
      List<Integer> chunks) {

    byte[] encode() {
      StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: lb\r\n");
      fields.forEach(f -> head.append(f.getKey()).append(": ").append(f.getValue()).append("\r\n"));
      if (chunked) {
        head.append("Transfer-Encoding: chunked\r\n");
      } else if (body.length > 0) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      ByteBuf out = Unpooled.buffer().writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (chunked) {
        int at = 0;
        for (int size : chunks) {
          int n = Math.min(size, body.length - at);
          if (n <= 0) {
            break;
          }
          out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII))
              .writeBytes(body, at, n).writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
          at += n;
        }
        if (at < body.length) {
          out.writeBytes((Integer.toHexString(body.length - at) + "\r\n").getBytes(StandardCharsets.US_ASCII))
              .writeBytes(body, at, body.length - at).writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\nX-Trailer: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        out.writeBytes(body);
      }
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    }
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    Arbitrary<String> target = Arbitraries.strings().withChars("abcxyz019/-._~%?=&").ofMaxLength(40).map(s -> "/" + s);
    Arbitrary<String> name = Arbitraries.strings().withChars("abcdefXYZ-_019").ofMinLength(1).ofMaxLength(12)
        .filter(n -> !List.of("host", "content-length", "transfer-encoding").contains(n.toLowerCase()));
    Arbitrary<String> value = Arbitraries.strings().withChars("abc XYZ;=,/\"\t019é").ofMaxLength(30)
        .map(String::strip);
    Arbitrary<List<Map.Entry<String, String>>> fields = Combinators.combine(name, value).as(Map::entry).list().ofMaxSize(8);
    Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<List<Integer>> chunks = Arbitraries.integers().between(1, 100).list().ofMaxSize(5);
    return Combinators.combine(method, target, fields, body, Arbitraries.of(true, false), chunks).as(Request::new);
  }

  @Property(tries = 300)
  void theParserReadsWhatTheReferenceDecoderReads(@ForAll("requests") Request request,
      @ForAll @IntRange(min = 1, max = 64) int piece) {
    byte[] one = request.encode();
    byte[] next = "GET /next HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    ByteBuf all = Unpooled.buffer().writeBytes(one).writeBytes(next);

    // the relay's reading, the bytes coming in pieces of `piece` bytes
    ByteBuf seen = Unpooled.buffer();
    HttpHead head = null;
    int at = 0;
    while (head == null && at < all.writerIndex()) {
      int n = Math.min(piece, all.writerIndex() - at);
      seen.writeBytes(all, at, n);
      at += n;
      head = PARSER.request(seen, 0);
    }
    assertNotNull(head);
    BodyFramer framer = BodyFramer.of(head, 4096);
    int bodyBytes = framer.feed(seen, head.end(), seen.writerIndex());
    while (!framer.done()) {
      int n = Math.min(piece, all.writerIndex() - at);
      seen.writeBytes(all, at, n);
      bodyBytes += framer.feed(seen, at, at + n);
      at += n;
    }
    int end = head.end() + bodyBytes;
    assertEquals(one.length, end, "the message ends where it was written to");

    // the reference's reading
    EmbeddedChannel reference = new EmbeddedChannel(new HttpRequestDecoder());
    reference.writeInbound(Unpooled.wrappedBuffer(one));
    HttpRequest decoded = reference.readInbound();
    assertTrue(decoded.decoderResult().isSuccess(), String.valueOf(decoded.decoderResult()));
    assertEquals(decoded.method().name(), head.method());
    assertEquals(decoded.uri(), head.target());
    List<String> ours = new ArrayList<>();
    for (int f = 0; f < head.fieldCount(); f++) {
      ours.add(head.name(f).toLowerCase() + "=" + head.value(f));
    }
    List<String> theirs = new ArrayList<>();
    decoded.headers().forEach(e -> theirs.add(e.getKey().toLowerCase() + "=" + e.getValue()));
    assertEquals(theirs, ours);
    ByteBuf body = Unpooled.buffer();
    Object part;
    boolean last = false;
    while ((part = reference.readInbound()) != null) {
      body.writeBytes(((HttpContent) part).content());
      last |= part instanceof LastHttpContent;
      ((HttpContent) part).release();
    }
    assertTrue(last || request.body().length == 0);
    assertEquals(Unpooled.wrappedBuffer(request.body()), body);
    reference.finishAndReleaseAll();
  }
}
