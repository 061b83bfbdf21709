package dev.lb.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head parser on every rule of RFC 9112 the relay depends on: what it accepts, where it says a body ends, and
 * every request it must refuse, each also cut at every byte (a head not complete yet is never a fault, and never
 * parsed early).
 */
class HeadParserTest {

  private static final HeadParser PARSER = new HeadParser(4096, 8192);

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** Parses {@code request} fed in two pieces cut at every position: null until whole, then the same head. */
  private static HttpHead parseSplit(String request) {
    byte[] all = request.getBytes(StandardCharsets.ISO_8859_1);
    HttpHead whole = PARSER.request(Unpooled.wrappedBuffer(all), 0);
    assertNotNull(whole, request);
    for (int cut = 0; cut < whole.end(); cut++) {
      ByteBuf part = Unpooled.buffer().writeBytes(all, 0, cut);
      assertNull(PARSER.request(part, 0), "parsed early at " + cut + ": " + request);
      part.writeBytes(all, cut, all.length - cut);
      HttpHead head = PARSER.request(part, 0);
      assertNotNull(head, "cut at " + cut);
      assertEquals(whole.end(), head.end());
      assertEquals(whole.framing(), head.framing());
      assertEquals(whole.contentLength(), head.contentLength());
    }
    return whole;
  }

  /** {@code request} is refused, whole and cut anywhere: the fault shows once the offending byte has come. */
  private static void assertRefused(String request, int status) {
    byte[] all = request.getBytes(StandardCharsets.ISO_8859_1);
    BadMessage e = assertThrows(BadMessage.class, () -> PARSER.request(Unpooled.wrappedBuffer(all), 0), request);
    assertEquals(status, e.status, request + ": " + e.getMessage());
    for (int cut = 1; cut < all.length; cut++) {
      ByteBuf part = Unpooled.buffer().writeBytes(all, 0, cut);
      try {
        assertNull(PARSER.request(part, 0), "a partial head of a bad request parsed: " + request);
      } catch (BadMessage early) {
        // refusing on the bytes seen so far is right too
      }
      part.writeBytes(all, cut, all.length - cut);
      assertThrows(BadMessage.class, () -> PARSER.request(part, 0), "cut at " + cut + ": " + request);
    }
  }

  @Test
  void aSimpleGetHasNoBodyAndItsFieldsInPlace() {
    HttpHead head = parseSplit("GET /home?id=7 HTTP/1.1\r\nHost: lb:5000\r\nX-Key:  a b \r\n\r\n");
    assertEquals("GET", head.method());
    assertEquals("/home?id=7", head.target());
    assertEquals("/home", head.path());
    assertTrue(head.http11());
    assertEquals(HttpHead.Framing.NONE, head.framing());
    assertEquals("a b", head.value("x-key"));
    assertEquals("lb:5000", head.value("HOST"));
    assertFalse(head.closes());
  }

  @Test
  void framingComesFromContentLengthOrChunked() {
    assertEquals(12, parseSplit("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n").contentLength());
    assertEquals(HttpHead.Framing.LENGTH, parseSplit("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n")
        .framing());
    assertEquals(HttpHead.Framing.LENGTH, parseSplit("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        + "Content-Length: 5\r\n\r\n").framing());
    assertEquals(HttpHead.Framing.NONE, parseSplit("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").framing());
    assertEquals(HttpHead.Framing.CHUNKED, parseSplit("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, Chunked"
        + "\r\n\r\n").framing());
    assertEquals(HttpHead.Framing.CHUNKED, parseSplit("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n").framing());
  }

  @Test
  void connectionTokensDecideTheEndAndNameWhatIsDropped() {
    HttpHead head = parseSplit("GET / HTTP/1.1\r\nHost: x\r\nConnection: close, X-Secret\r\nX-Secret: 1\r\nX-Open: 2\r\n\r\n");
    assertTrue(head.closes());
    assertTrue(head.connectionNamed(head.find("x-secret", 0)));
    assertFalse(head.connectionNamed(head.find("x-open", 0)));
    assertTrue(parseSplit("GET / HTTP/1.0\r\n\r\n").closes());
    assertFalse(parseSplit("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").closes());
    assertTrue(parseSplit("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n").upgrade());
    assertTrue(parseSplit("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expect());
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2c", "H2C", "h2c, websocket", "websocket, h2c", "websocket,h2c/1", "foo/2, H2c / 1"})
  void anUpgradeListingH2cIsMarked(String upgrade) {
    HttpHead head = parseSplit("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: " + upgrade + "\r\nConnection: Upgrade\r\n\r\n");
    assertTrue(head.upgrade());
    assertTrue(head.h2c(), upgrade);
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "h2", "h2cx", "xh2c", "websocket/13"})
  void anUpgradeWithoutH2cIsNotMarked(String upgrade) {
    assertFalse(parseSplit("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: " + upgrade + "\r\n\r\n").h2c(), upgrade);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // both framings (RFC 9112 §6.1: refuse, and close)
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
      // lengths that differ or are not digits
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x3\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3 4\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
      // a Transfer-Encoding that does not end in chunked, or spells it otherwise
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \"chunked\"\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\n\r\n",
      // HTTP/1.0 with Transfer-Encoding
      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
      // obs-fold, bare LF, whitespace before the colon
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\t2\r\n\r\n",
      "GET / HTTP/1.1\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\n\n",
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length\t: 0\r\n\r\n",
      // NUL, CR and other controls in a value
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n",
      // Host: none, two, or not a host
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost:\r\n\r\n",
      "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
      // malformed lines
      "GET /  HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.2\r\nHost: x\r\n\r\n",
      "GET / http/1.1\r\nHost: x\r\n\r\n",
      "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /\u007f HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nNo-Colon\r\n\r\n",
  })
  void requestsThatBreakFramingOrSyntaxAreRefused(String request) {
    assertRefused(request, 400);
  }

  @Test
  void aTooLongLineIs414AndATooLargeHeadIs431() {
    assertEquals(414, assertThrows(BadMessage.class,
        () -> PARSER.request(bytes("GET /" + "a".repeat(5000) + " HTTP/1.1\r\n"), 0)).status);
    assertEquals(414, assertThrows(BadMessage.class, () -> PARSER.request(bytes("GET /" + "a".repeat(5000)), 0)).status);
    assertEquals(431, assertThrows(BadMessage.class,
        () -> PARSER.request(bytes("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n"), 0)).status);
  }

  @Test
  void aHeadStartsWhereTheBufferIsRead() {
    ByteBuf two = bytes("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    HttpHead first = PARSER.request(two, 0);
    HttpHead second = PARSER.request(two, first.end());
    assertEquals("/a", first.target());
    assertEquals("/b", second.target());
    assertEquals(two.writerIndex(), second.end());
  }

  @Test
  void repliesFrameByStatusMethodAndFields() {
    assertEquals(HttpHead.Framing.LENGTH, reply("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false).framing());
    assertEquals(HttpHead.Framing.NONE, reply("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", true).framing());
    assertEquals(HttpHead.Framing.NONE, reply("HTTP/1.1 204 No Content\r\n\r\n", false).framing());
    assertEquals(HttpHead.Framing.NONE, reply("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", false).framing());
    assertEquals(HttpHead.Framing.NONE, reply("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", false).framing());
    assertEquals(HttpHead.Framing.CHUNKED, reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false)
        .framing());
    assertEquals(HttpHead.Framing.UNTIL_CLOSE, reply("HTTP/1.1 200 OK\r\n\r\n", false).framing());
    assertEquals(200, reply("HTTP/1.1 200\r\n\r\n", false).status());
    for (String bad : List.of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 3\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\u0000\r\n\r\n", "HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n")) {
      assertThrows(BadMessage.class, () -> reply(bad, false), bad);
    }
  }

  private static HttpHead reply(String s, boolean toHead) {
    return PARSER.reply(bytes(s), 0, toHead);
  }

  @Test
  void pathUnderMatchesThePathAndWhatIsBelowItOnly() {
    io.netty.util.AsciiString replicas = io.netty.util.AsciiString.cached("/replicas");
    for (String target : java.util.List.of("/replicas", "/replicas?x=1", "/replicas/Server%201", "/replicas/a/b")) {
      assertTrue(parseSplit("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n").pathUnder(replicas), target);
    }
    for (String target : java.util.List.of("/replicasX", "/replica", "/Replicas/x", "/x/replicas", "/")) {
      assertFalse(parseSplit("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n").pathUnder(replicas), target);
    }
  }
}
