package dev.lb.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The heads the relay sends on: the original bytes, with its edits, and framing the next hop cannot read otherwise. */
class HeadWriterTest {

  private static final HeadParser PARSER = new HeadParser(4096, 8192);
  private static final HeadWriter.Client CLIENT = HeadWriter.Client.of("10.1.2.3");

  private static String request(String head) {
    ByteBuf out = HeadWriter.request(ByteBufAllocator.DEFAULT, PARSER.request(bytes(head), 0), CLIENT, false, false);
    try {
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      out.release();
    }
  }

  private static String reply(String head, boolean close) {
    ByteBuf out = HeadWriter.reply(ByteBufAllocator.DEFAULT, PARSER.reply(bytes(head), 0, false), close);
    try {
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      out.release();
    }
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  private static int count(String text, String part) {
    return text.split(part, -1).length - 1;
  }

  @Test
  void aLengthInAListOrInSeveralFieldsGoesOnAsOneField() {
    String out = request("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\nCONTENT-LENGTH: 5\r\n\r\n");
    assertEquals(1, count(out.toLowerCase(), "content-length"), out);
    assertTrue(out.contains("\r\ncontent-length: 5\r\n"), out);
    String reply = reply("HTTP/1.1 200 OK\r\ncontent-length: 12, 12\r\nX-A: 1\r\n\r\n", false);
    assertEquals("HTTP/1.1 200 OK\r\nX-A: 1\r\ncontent-length: 12\r\n\r\n", reply);
    assertTrue(request("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").contains("\r\ncontent-length: 0\r\n"));
    assertFalse(request("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").contains("content-length"));
  }

  @Test
  void hopByHopFieldsAndTheClientsForwardingFieldsAreLeftOutAndThisHopsAdded() {
    String out = request("GET /a?b=1 HTTP/1.1\r\nHost: lb:5000\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
        + "X-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.6\r\nTE: trailers\r\nX-Kept: k\r\n\r\n");
    assertTrue(out.startsWith("GET /a?b=1 HTTP/1.1\r\nHost: lb:5000\r\nX-Kept: k\r\n"), out);
    assertFalse(out.contains("6.6.6.6") || out.contains("X-Secret") || out.contains("TE:") || out.contains("onnection"), out);
    assertTrue(out.contains("x-forwarded-for: 10.1.2.3\r\n") && out.contains("x-forwarded-host: lb:5000\r\n")
        && out.contains("forwarded: for=10.1.2.3;host=\"lb:5000\";proto=http\r\n"), out);
    assertTrue(out.endsWith("\r\n\r\n"), out);
  }

  @Test
  void aReplyKeepsItsFramingWhateverConnectionNamesAndSaysWhenTheConnectionEnds() {
    String reply = reply("HTTP/1.1 200 OK\r\nConnection: Transfer-Encoding, X-Hop\r\nTransfer-Encoding: chunked\r\n"
        + "X-Hop: 1\r\nKeep-Alive: timeout=5\r\n\r\n", true);
    assertEquals("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nconnection: close\r\n\r\n", reply);
  }
}
