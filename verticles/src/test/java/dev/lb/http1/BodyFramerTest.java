package dev.lb.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a body ends, fed whole and in pieces cut at every byte: the same count, the next message's bytes never
 * taken, and every malformed chunked body refused.
 */
class BodyFramerTest {

  private static final HeadParser PARSER = new HeadParser(4096, 8192);

  private static BodyFramer framer(String head) {
    return BodyFramer.of(PARSER.request(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1), 0), 1024);
  }

  /** Feeds {@code body + next} cut in two at every position: the body's length is found, and it is done. */
  private static void assertBodyEnds(String head, String body, String next) {
    byte[] all = (body + next).getBytes(StandardCharsets.ISO_8859_1);
    for (int cut = 0; cut <= all.length; cut++) {
      BodyFramer framer = framer(head);
      ByteBuf buf = Unpooled.wrappedBuffer(all);
      int taken = framer.feed(buf, 0, cut);
      assertEquals(cut <= body.length() ? cut : body.length(), taken, "first piece, cut at " + cut);
      if (!framer.done()) {
        taken += framer.feed(buf, cut, all.length);
      }
      assertTrue(framer.done(), "cut at " + cut);
      assertEquals(body.length(), taken, "cut at " + cut);
    }
  }

  @Test
  void aLengthIsCountedDown() {
    assertBodyEnds("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", "hello", "GET / HTTP/1.1\r\n");
  }

  @Test
  void chunksWithExtensionsAndTrailersEndAtTheirBlankLine() {
    String head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertBodyEnds(head, "5\r\nhello\r\n0\r\n\r\n", "GET / HTTP/1.1\r\n");
    assertBodyEnds(head, "a;name=\"v\"\r\n0123456789\r\n1F ; x\r\n" + "y".repeat(31) + "\r\n0\r\n\r\n", "NEXT");
    assertBodyEnds(head, "3\r\nabc\r\n0\r\nX-Sum: 1\r\nX-Other: two\r\n\r\n", "");
    assertBodyEnds(head, "0\r\n\r\n", "0\r\n\r\n");
    // a trailer whose name only starts like a field the relay checks is an ordinary one
    assertBodyEnds(head, "0\r\nContent-Lengths: 5\r\nX-Forwarded-For-Real: 1\r\n" + "L".repeat(40) + ": 1\r\n\r\n", "");
    // trace context and a request id say what follows the message, not where it ends: trailers may carry them
    assertBodyEnds(head, "0\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
        + "Tracestate: a=1\r\nX-Request-Id: 7\r\n\r\n", "");
  }

  @Test
  void noBodyIsDoneAtOnceAndUntilCloseTakesEverything() {
    assertTrue(framer("GET / HTTP/1.1\r\nHost: x\r\n\r\n").done());
    BodyFramer untilClose = BodyFramer.of(PARSER.reply(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n",
        StandardCharsets.US_ASCII), 0, false), 1024);
    assertTrue(untilClose.untilClose());
    assertEquals(7, untilClose.feed(Unpooled.wrappedBuffer(new byte[7]), 0, 7));
    assertFalse(untilClose.done());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "g\r\n", "\r\n", "-1\r\n", "0x5\r\nhello\r\n", " 5\r\nhello\r\n", "5\nhello\r\n", "5\r\nhello\n0\r\n\r\n",
      "5\r\nhelloXX0\r\n\r\n", "5\r\nhello\rX", "1000000000000000\r\n", "3;a\u0000\r\nabc\r\n",
      "3\r\nabc\r\n0\r\n folded: no\r\n\r\n", "3\r\nabc\r\n0\r\nX: 1\n\r\n", "3\r\nabc\r\n0\r\n\rX",
      "0\r\nX: a\u0001\r\n\r\n", "3;\u007f\r\nabc\r\n0\r\n\r\n", "0\r\nX A: 1\r\n\r\n", "0\r\n: 1\r\n\r\n",
      "0\r\nX : 1\r\n\r\n", "0\r\nContent-Length: 5\r\n\r\n", "0\r\ntransfer-encoding: chunked\r\n\r\n",
      "0\r\nHOST: y\r\n\r\n", "0\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n", "0\r\nx-lb-lease: 1\r\n\r\n"})
  void malformedChunkedBodiesAreRefused(String body) {
    byte[] all = body.getBytes(StandardCharsets.ISO_8859_1);
    for (int cut = 0; cut <= all.length; cut++) {
      BodyFramer framer = framer("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      ByteBuf buf = Unpooled.wrappedBuffer(all);
      int at = cut;
      assertThrows(BadMessage.class, () -> {
        framer.feed(buf, 0, at);
        framer.feed(buf, at, all.length);
      }, "cut at " + cut + ": " + body);
    }
  }

  @Test
  void trailersHaveABound() {
    BodyFramer framer = framer("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    ByteBuf body = Unpooled.copiedBuffer("0\r\nX: " + "a".repeat(2000) + "\r\n\r\n", StandardCharsets.US_ASCII);
    assertEquals(431, assertThrows(BadMessage.class, () -> framer.feed(body, 0, body.writerIndex())).status);
  }
}
