package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.RawHttp;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the byte relay hands to the HTTP stack (HTTP/1.0, {@code Expect: 100-continue}, a chunked body longer than a
 * retry keeps) goes to the replicas through the relay's own upstream side: tried again on another replica, written
 * as HTTP/1.1 with the forwarding headers, streamed. Raw sockets, so that every byte the client gets is seen.
 */
class StackDoorTest {

  private static final long WAIT_S = 20;
  private static final int KEPT = 1024;
  private static Vertx vertx;
  private static ScriptedReplicaBackend replicas;
  private static TestSystem system;

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    replicas = new ScriptedReplicaBackend(vertx);
    system = TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.PROXY_RETRY_BODY_BYTES, KEPT), replicas)
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void http10IsSentOnAsHttp11AndTriedAgainOnAnotherReplica() throws Exception {
    String get = "GET /home?id=424242 HTTP/1.0\r\n\r\n";
    String first = exchange(get);
    assertTrue(first.startsWith("HTTP/1.0 200 ") || first.startsWith("HTTP/1.1 200 "), first);
    system.awaitRep(rep -> rep.getInteger("N") == 3, WAIT_S * 1000).await(WAIT_S, TimeUnit.SECONDS);
    // the key's owner once the ring holds all three (the replicas come into it one by one as they start)
    String owner = null;
    for (int same = 0, k = 0; same < 3 && k < 50; k++) {
      String now = new JsonObject(body(exchange(get))).getString("message").replace("Hello from Server: ", "");
      same = now.equals(owner) ? same + 1 : 1;
      owner = now;
    }
    replicas.failing.add(owner);
    try {
      String again = exchange(get);
      assertTrue(again.contains(" 200 "), again);
      assertNotEquals(owner, new JsonObject(body(again)).getString("message").replace("Hello from Server: ", ""),
          "another replica answered");
      assertEquals(1, replicas.served500.getOrDefault(owner, new AtomicLong()).get(),
          "the key's owner (" + owner + ") was tried first, and failed; then: " + again + "; counts " + replicas.served500);
    } finally {
      replicas.failing.remove(owner);
    }
    JsonObject seen = new JsonObject(body(exchange("GET /echo HTTP/1.0\r\nHost: front.test\r\n\r\n")));
    assertEquals("front.test", seen.getString("host"));
    assertEquals("127.0.0.1", seen.getString("x-forwarded-for"));
    assertEquals("http", seen.getString("x-forwarded-proto"));
    assertNull(seen.getString("connection"), "no hop-by-hop field reaches a replica");
  }

  @Test
  void expectContinueIsAnsweredByTheBalancerAndNotPassedOn() throws IOException {
    try (Socket socket = socket()) {
      OutputStream out = socket.getOutputStream();
      out.write(bytes("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
          + "Connection: close\r\n\r\n"));
      out.flush();
      InputStream in = socket.getInputStream();
      String interim = readHead(in);
      assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
      out.write(bytes("hello"));
      out.flush();
      String reply = readAll(in);
      assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
      JsonObject seen = new JsonObject(body(reply));
      assertFalse(seen.containsKey("expect"), "the replica is not asked to continue: " + seen);
      assertEquals("5", seen.getString("content-length"));
    }
  }

  @Test
  void aChunkedBodyLongerThanARetryKeepsStreamsWhole() throws IOException {
    StringBuilder request = new StringBuilder("POST /mirror HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "Connection: close\r\n\r\n");
    StringBuilder sent = new StringBuilder();
    for (int k = 0; k < 3; k++) {
      String data = String.valueOf((char) ('a' + k)).repeat(KEPT);
      sent.append(data);
      request.append(Integer.toHexString(data.length())).append("\r\n").append(data).append("\r\n");
    }
    String reply = exchange(request.append("0\r\n\r\n").toString());
    assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
    assertEquals(sent.toString(), unchunked(reply));
  }

  @Test
  void http10KeepAliveGetsAReplyOfUnknownLengthEndedByTheClose() throws IOException {
    // HTTP/1.0 has no chunks: the body the replica sent chunked ends where the connection does (read here to its end)
    String reply = exchange("GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assertTrue(reply.startsWith("HTTP/1.0 200 "), reply);
    String head = reply.substring(0, reply.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
    assertFalse(head.contains("transfer-encoding"), head);
    assertFalse(head.contains("content-length"), head);
    assertEquals("abcdefg", body(reply));
  }

  @Test
  void anEarlyReplyToAStreamedBodyEndsTheConnection() throws IOException {
    try (Socket socket = socket()) {
      OutputStream out = socket.getOutputStream();
      String data = "z".repeat(2 * KEPT);
      // a body longer than a retry keeps, of which the client sends only a part: the replica answers before the rest
      out.write(bytes("POST /early HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(data.length()) + "\r\n" + data + "\r\n"));
      out.flush();
      // read to the end: the connection closes after the reply, as nothing after the unread body can be told apart
      String reply = readAll(socket.getInputStream());
      assertTrue(reply.startsWith("HTTP/1.1 413 "), reply);
      assertTrue(reply.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), reply);
    }
  }

  private static Socket socket() throws IOException {
    return RawHttp.socket(system.port());
  }

  private static String exchange(String request) throws IOException {
    return RawHttp.exchange(system.port(), request);
  }

  private static String readAll(InputStream in) throws IOException {
    return RawHttp.readAll(in);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static String body(String reply) {
    return RawHttp.body(reply);
  }

  /** The body of a reply, its chunks (if any) joined. */
  private static String unchunked(String reply) {
    String head = reply.substring(0, reply.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
    String rest = body(reply);
    if (!head.contains("transfer-encoding: chunked")) {
      return rest;
    }
    StringBuilder data = new StringBuilder();
    int at = 0;
    while (true) {
      int line = rest.indexOf("\r\n", at);
      int size = Integer.parseInt(rest.substring(at, line).trim(), 16);
      if (size == 0) {
        return data.toString();
      }
      data.append(rest, line + 2, line + 2 + size);
      at = line + 2 + size + 2;
    }
  }

  private static byte[] bytes(String text) {
    return RawHttp.bytes(text);
  }
}
