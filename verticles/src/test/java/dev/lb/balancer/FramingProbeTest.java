package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.RawReplicaBackend;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Framing probes over raw sockets, as an attacker would send them (RFC 9112): every request whose end is ambiguous is
 * answered 400 in the API's shape and its connection closed, whichever byte it is split at, and no replica sees it; a
 * replica's reply with the same faults is a 502, never passed on; {@code h2c} is never tunnelled.
 */
class FramingProbeTest {

  private static final long WAIT_S = 20;
  /** The header timeout of the system with raw replicas (the other keeps the default, far longer than any probe). */
  private static final long HEADER_TIMEOUT_MS = 600;
  private static final Map<String, String> BAD_REQUESTS = new LinkedHashMap<>();
  private static final Map<String, byte[]> BAD_REPLIES = new LinkedHashMap<>();
  private static final byte[] EARLY_HINTS = bytes("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\nConnection: x-hop\r\n"
      + "X-Hop: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  private static Vertx vertx;
  private static ScriptedReplicaBackend scripted;
  private static TestSystem system;
  private static RawReplicaBackend raw;
  private static TestSystem rawSystem;

  static {
    String post = "POST /probe HTTP/1.1\r\nHost: x\r\n";
    BAD_REQUESTS.put("both framings", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    BAD_REQUESTS.put("two lengths", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    BAD_REQUESTS.put("a list of two lengths", post + "Content-Length: 5, 6\r\n\r\nhello!");
    BAD_REQUESTS.put("a signed length", post + "Content-Length: +5\r\n\r\nhello");
    BAD_REQUESTS.put("a hex length", post + "Content-Length: 0x5\r\n\r\nhello");
    BAD_REQUESTS.put("xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n");
    BAD_REQUESTS.put("quoted chunked", post + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n");
    BAD_REQUESTS.put("chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n");
    BAD_REQUESTS.put("HTTP/1.0 with chunked", "POST /probe HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    BAD_REQUESTS.put("obs-fold", "GET /probe HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n");
    BAD_REQUESTS.put("bare LF", "GET /probe HTTP/1.1\nHost: x\n\n");
    BAD_REQUESTS.put("a space before the colon", "GET /probe HTTP/1.1\r\nHost : x\r\n\r\n");
    BAD_REQUESTS.put("a bad chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
    BAD_REQUESTS.put("an oversized chunk size", post + "Transfer-Encoding: chunked\r\n\r\n1000000000000000000\r\nhello"
        + "\r\n0\r\n\r\n");
    BAD_REQUESTS.put("a framing field in a trailer", post + "Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n");
    BAD_REQUESTS.put("a forwarding field in a trailer", post + "Transfer-Encoding: chunked\r\n\r\n0\r\n"
        + "X-Forwarded-For: 10.0.0.1\r\n\r\n");
    BAD_REQUESTS.put("a trailer that is no field", post + "Transfer-Encoding: chunked\r\n\r\n0\r\nX A: 1\r\n\r\n");
    BAD_REQUESTS.put("NUL in a value", "GET /probe HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n");
    BAD_REQUESTS.put("CR in a value", "GET /probe HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n");
    BAD_REQUESTS.put("no Host", "GET /probe HTTP/1.1\r\nX-A: a\r\n\r\n");
    BAD_REQUESTS.put("two Hosts", "GET /probe HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n");
    BAD_REQUESTS.put("an invalid Host", "GET /probe HTTP/1.1\r\nHost: a b\r\n\r\n");

    String ok = "HTTP/1.1 200 OK\r\n";
    reply("both framings", ok + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    reply("two lengths", ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nok!");
    reply("a length that is not digits", ok + "Content-Length: 2a\r\n\r\nok");
    reply("xchunked", ok + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n");
    reply("obs-fold", ok + "Content-Length: 2\r\nX-A: a\r\n b\r\n\r\nok");
    reply("bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok");
    reply("a space before the colon", ok + "Content-Length : 2\r\n\r\nok");
    reply("NUL in a value", ok + "Content-Length: 2\r\nX-A: a\0b\r\n\r\nok");
    reply("a bad status line", "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok");
    reply("a bad chunk size", ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
  }

  private static void reply(String name, String bytes) {
    BAD_REPLIES.put(name.replace(' ', '-'), bytes.getBytes(StandardCharsets.ISO_8859_1));
  }

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    scripted = new ScriptedReplicaBackend(vertx);
    system = TestSystem.deploy(vertx, TestSystem.config(), scripted).await(WAIT_S, TimeUnit.SECONDS);
    Map<String, byte[]> replies = new LinkedHashMap<>(BAD_REPLIES);
    replies.put("early-hints", EARLY_HINTS);
    raw = new RawReplicaBackend(vertx, replies);
    // the replicas answer badly on purpose: none is ejected for it, so that each answer is theirs, not a 503
    rawSystem = TestSystem.deploy(Vertx.vertx(), TestSystem.config().put(ConfigKeys.PROXY_EJECT_AFTER, 1_000_000)
        .put(ConfigKeys.HTTP_HEADER_TIMEOUT_MS, HEADER_TIMEOUT_MS), raw).await(WAIT_S, TimeUnit.SECONDS);
    awaitServing(() -> exchange(system.port(), bytes("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), -1));
    awaitServing(() -> exchange(rawSystem.port(), bytes("GET /good HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), -1));
  }

  @AfterAll
  static void close() throws Exception {
    if (rawSystem != null) {
      rawSystem.vertx.close().await(WAIT_S, TimeUnit.SECONDS);
    }
    vertx.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  private static void awaitServing(Supplier<Answer> probe) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (!probe.get().text.startsWith("HTTP/1.1 200 ")) {
      assertTrue(System.nanoTime() < deadline, "the replicas were not served within " + WAIT_S + " s");
      Thread.sleep(100);
    }
  }

  /** What came back on one connection: every byte until it closed, or until nothing came for 5 s. */
  private record Answer(String text, boolean closed) { }

  /** Sends {@code request} in two writes, the first {@code split} bytes long (all of it in one if negative). */
  private static Answer exchange(int port, byte[] request, int split) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      if (split > 0 && split < request.length) {
        out.write(request, 0, split);
        out.flush();
        Thread.sleep(1);
        out.write(request, split, request.length - split);
      } else {
        out.write(request);
      }
      out.flush();
      return readAll(socket.getInputStream());
    } catch (IOException e) {
      // a reset once the balancer closed: whatever came before it counts
      return new Answer("", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Answer readAll(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        got.write(chunk, 0, n);
      }
      return new Answer(got.toString(StandardCharsets.ISO_8859_1), true);
    } catch (SocketTimeoutException e) {
      return new Answer(got.toString(StandardCharsets.ISO_8859_1), false);
    } catch (IOException e) {
      // a reset once the balancer closed: what came before it counts
      return new Answer(got.toString(StandardCharsets.ISO_8859_1), true);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void assertFailure(int status, Answer answer, String what) {
    assertTrue(answer.text.startsWith("HTTP/1.1 " + status + " "), what + ": " + answer.text);
    JsonObject body = new JsonObject(answer.text.substring(answer.text.indexOf("\r\n\r\n") + 4));
    assertEquals("failure", body.getString("status"), what);
    assertTrue(body.getString("message").startsWith("<Error> "), what + ": " + body);
  }

  @Test
  void everyAmbiguousRequestIs400AndClosedAtEverySplitAndReachesNoReplica() {
    BAD_REQUESTS.forEach((what, request) -> {
      byte[] bytes = bytes(request);
      for (int split = 0; split < bytes.length; split++) {
        Answer answer = exchange(system.port(), bytes, split);
        String at = what + " split at " + split;
        assertFailure(400, answer, at);
        assertTrue(answer.closed, at + ": the connection stays open");
      }
    });
    scripted.hits.keySet().forEach(hit -> assertFalse(hit.endsWith(" /probe"), "a replica saw " + hit));
  }

  @Test
  void aGoodRequestBehindABadOneIsNeverAnswered() {
    // a smuggling attempt: the second request hides in what one reading takes for the first one's body
    String smuggled = "POST /probe HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    Answer answer = exchange(system.port(), bytes(smuggled), -1);
    assertFailure(400, answer, "TE and CL");
    assertEquals(1, answer.text.split("HTTP/1.1 ").length - 1, "one answer only: " + answer.text);
    scripted.hits.keySet().forEach(hit -> assertFalse(hit.endsWith(" /smuggled"), "a replica saw " + hit));
  }

  @Test
  void aGoodRequestSplitAtEveryByteIsAnswered() {
    byte[] bytes = bytes("GET /echo?k=1 HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\r\nGET /echo?k=2 HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n");
    for (int split = 0; split < bytes.length; split++) {
      Answer answer = exchange(system.port(), bytes, split);
      assertEquals(2, answer.text.split("HTTP/1.1 200 OK").length - 1, "split at " + split + ": " + answer.text);
      assertTrue(answer.closed, "closed after the second, as it asked");
    }
  }

  @Test
  void aChunkedRequestWithExtensionsAndTrailersGoesOnWholeAtEverySplit() {
    byte[] bytes = bytes("POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "5\r\nhello\r\n3;ext=\"a b\"\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n");
    for (int split = 0; split < bytes.length; split++) {
      Answer answer = exchange(system.port(), bytes, split);
      assertTrue(answer.text.startsWith("HTTP/1.1 200 "), "split at " + split + ": " + answer.text);
      assertTrue(answer.text.endsWith(" 8"), "split at " + split + ": the replica read 8 bytes: " + answer.text);
    }
  }

  @Test
  void aStreamedBodyEndsWhereItsLengthSaysAndThePipelinedRequestBehindItIsAnswered() {
    // longer than a retry keeps (8 KiB): streamed on as it comes, not held
    String body = "b".repeat(20_000);
    String first = "POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n";
    byte[] bytes = bytes(first + body + "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    int bodyStart = first.length();
    int bodyEnd = bodyStart + body.length();
    java.util.List<Integer> splits = new java.util.ArrayList<>();
    for (int k = 1; k < bodyStart + 3; k++) {
      splits.add(k);
    }
    for (int k = bodyEnd - 3; k < bodyEnd + 20; k++) {
      splits.add(k);
    }
    splits.add(bodyStart + 8192);
    splits.add(bodyStart + 8193);
    for (int split : splits) {
      Answer answer = exchange(system.port(), bytes, split);
      assertTrue(answer.text.startsWith("HTTP/1.1 200 "), "split at " + split + ": " + answer.text);
      assertTrue(answer.text.contains(" 20000HTTP/1.1 200 "), "split at " + split + ": the replica read it all, then"
          + " the second was answered: " + answer.text);
      assertTrue(answer.closed, "split at " + split + ": closed after the second, as it asked");
    }
  }

  @Test
  void aReplyBeforeTheStreamedBodyEndedEndsTheConnectionWithIt() {
    // /home answers without reading the body: what the client still sends cannot be taken for a next request
    byte[] bytes = bytes("POST /home HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "c".repeat(9000));
    Answer answer = exchange(system.port(), bytes, -1);
    assertTrue(answer.text.startsWith("HTTP/1.1 200 "), answer.text);
    assertTrue(answer.closed, "the connection ends with the reply: " + answer.text);
  }

  @Test
  void aMalformedReplyIs502AtEverySplitAndNeverPassedOn() {
    BAD_REPLIES.forEach((what, reply) -> {
      if (what.equals("a-bad-chunk-size")) {
        return;
      }
      for (int split = 0; split <= reply.length; split++) {
        Answer answer = exchange(rawSystem.port(), bytes("GET /raw/" + what + "?split=" + split
            + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), -1);
        assertFailure(502, answer, what + " split at " + split);
      }
    });
  }

  @Test
  void aReplyWhoseChunksBreakEndsTheClientsConnectionMidway() {
    byte[] reply = BAD_REPLIES.get("a-bad-chunk-size");
    for (int split = 0; split <= reply.length; split++) {
      Answer answer = exchange(rawSystem.port(), bytes("GET /raw/a-bad-chunk-size?split=" + split
          + " HTTP/1.1\r\nHost: x\r\n\r\n"), -1);
      assertTrue(answer.closed, "split at " + split + ": the client's connection stays open");
      assertFalse(answer.text.contains("zz"), "split at " + split + ": passed on: " + answer.text);
      assertFalse(answer.text.endsWith("0\r\n\r\n"), "split at " + split + ": looks complete: " + answer.text);
    }
  }

  @Test
  void h2cIsNeverTunnelledAloneOrInAList() {
    for (String upgrade : new String[] {"h2c", "h2c, websocket", "websocket, h2c", "WebSocket,H2C/1"}) {
      Answer answer = exchange(system.port(), bytes("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: "
          + upgrade + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"), -1);
      assertTrue(answer.text.startsWith("HTTP/1.1 200 "), upgrade + ": " + answer.text);
      JsonObject seen = new JsonObject(answer.text.substring(answer.text.indexOf("\r\n\r\n") + 4));
      assertNull(seen.getString("upgrade"), upgrade + ": the replica was asked to upgrade: " + seen);
    }
  }

  @Test
  void aFailureAnsweredToAHeadHasNoBodySoThePipelinedRequestBehindItIsReadRight() {
    // /nowhere is a 404 at the replica, answered as the assignment's 400: to a HEAD, without the JSON body
    Answer answer = exchange(system.port(), bytes("HEAD /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), -1);
    assertTrue(answer.text.startsWith("HTTP/1.1 400 "), answer.text);
    int second = answer.text.indexOf("\r\n\r\n") + 4;
    assertTrue(answer.text.startsWith("HTTP/1.1 200 ", second), "the second reply right after the first head: " + answer.text);
  }

  @Test
  void aLengthGoesOnAsOneFieldWhateverListItCameIn() {
    Answer answer = exchange(system.port(), bytes("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n"
        + "Content-Length: 2\r\nConnection: close\r\n\r\nok"), -1);
    assertTrue(answer.text.startsWith("HTTP/1.1 200 "), answer.text);
    JsonObject seen = new JsonObject(answer.text.substring(answer.text.indexOf("\r\n\r\n") + 4));
    assertEquals("2", seen.getString("content-length"), seen.encode());
  }

  @Test
  void anEmptyLineBeforeARequestIsIgnored() {
    Answer answer = exchange(system.port(), bytes("\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 1);
    assertTrue(answer.text.startsWith("HTTP/1.1 200 "), answer.text);
  }

  @Test
  void anAdminPathInAbsoluteFormIsTheAdminApis() {
    Answer answer = exchange(system.port(), bytes("GET http://x/rep HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), -1);
    assertTrue(answer.text.startsWith("HTTP/1.1 200 "), answer.text);
    JsonObject body = new JsonObject(answer.text.substring(answer.text.indexOf("\r\n\r\n") + 4));
    assertTrue(body.getJsonObject("message").containsKey("replicas"), "the admin API's /rep: " + body);
  }

  @Test
  void afterA400TheConnectionClosesInStagesSoWhatTheClientStillSendsIsNoReset() throws Exception {
    // RFC 9112 §9.6: a close with the client's bytes unread resets the connection, and may take the 400 with it
    try (Socket socket = new Socket("127.0.0.1", system.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(bytes("POST /probe HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n"));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = new byte[12];
      assertEquals(12, in.readNBytes(head, 0, 12));
      assertEquals("HTTP/1.1 400", new String(head, StandardCharsets.ISO_8859_1));
      byte[] more = new byte[64 * 1024];
      for (int k = 0; k < 6; k++) {
        out.write(more);
        out.flush();
        Thread.sleep(20);
      }
      Answer rest = readAll(in);
      assertTrue(rest.closed && rest.text.contains("\"failure\""), "the 400's rest, then the end: " + rest.text);
    }
  }

  @Test
  void anInformationalReplyGoesOnWithoutItsHopByHopFieldsBeforeTheFinalOne() {
    for (int split = 0; split <= EARLY_HINTS.length; split++) {
      Answer answer = exchange(rawSystem.port(), bytes("GET /raw/early-hints?split=" + split
          + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), -1);
      String at = "split at " + split + ": " + answer.text;
      assertTrue(answer.text.startsWith("HTTP/1.1 103 Early Hints\r\n"), at);
      assertTrue(answer.text.contains("Link: </a.css>\r\n"), at);
      assertFalse(answer.text.contains("X-Hop"), at);
      assertTrue(answer.text.contains("\r\n\r\nHTTP/1.1 200 OK\r\n") && answer.text.endsWith("\r\n\r\nok"), at);
    }
  }

  @Test
  void aHeadTrickledByteByByteIsAnswered408WithinTheHeaderTimeoutAndClosed() throws Exception {
    // a slowloris: every byte keeps the idle timeout from ending the connection, and the head never ends
    try (Socket socket = new Socket("127.0.0.1", rawSystem.port())) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(bytes("GET /raw/x HTTP/1.1\r\nHost: x\r\nX-Pad: "));
      out.flush();
      long trickleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HEADER_TIMEOUT_MS * 3);
      try {
        while (System.nanoTime() < trickleUntil) {
          out.write('a');
          out.flush();
          Thread.sleep(50);
        }
      } catch (IOException e) {
        // the balancer closed its side and then the socket: what it answered is read below
      }
      Answer answer = readAll(socket.getInputStream());
      assertFailure(408, answer, "a trickled head");
      assertTrue(answer.closed, "the connection stays open: " + answer.text);
    }
    assertFalse(raw.hits.containsKey("/raw/x"), "a replica saw the trickled request");
  }

  @Test
  void aKeptAliveConnectionWaitingForItsNextRequestIsNoTrickledHead() throws Exception {
    // the header timeout runs from a request's first byte: an idle connection between requests is the idle timeout's
    try (Socket socket = new Socket("127.0.0.1", rawSystem.port())) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] request = bytes("GET /keep HTTP/1.1\r\nHost: x\r\n\r\n");
      for (int k = 0; k < 2; k++) {
        out.write(request);
        out.flush();
        String head = readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 200 "), "request " + k + ": " + head);
        int length = Integer.parseInt(head.replaceAll("(?s).*[Cc]ontent-[Ll]ength: *(\\d+).*", "$1"));
        assertEquals(length, in.readNBytes(length).length);
        Thread.sleep(HEADER_TIMEOUT_MS * 2);
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head + "(closed)";
      }
      head.append((char) b);
    }
    return head.toString();
  }
}
