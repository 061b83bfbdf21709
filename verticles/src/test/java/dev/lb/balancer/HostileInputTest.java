package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Garbage in, a 4xx in the API's JSON shape out, and nothing changed: property-based tests (jqwik) of the admin
 * API and the routed path against the real verticles, plus raw requests that no HTTP client would send.
 */
class HostileInputTest {

  private static final long WAIT_S = 20;
  private static final int BODY_LIMIT = 64 * 1024;
  private static Vertx vertx;
  private static TestSystem system;
  private static JsonObject initial;

  @BeforeContainer
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    system = TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.PROXY_BODY_LIMIT, BODY_LIMIT))
        .await(WAIT_S, TimeUnit.SECONDS);
    initial = rep();
  }

  @AfterContainer
  static void close() throws Exception {
    vertx.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  private static JsonObject rep() throws Exception {
    return system.get("/rep").await(WAIT_S, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  private static void assertApiError(int status, String body, String what) throws Exception {
    assertTrue(status >= 400 && status < 500, what + " -> " + status + " " + body);
    JsonObject reply = new JsonObject(body);
    assertEquals("failure", reply.getString("status"), what);
    assertTrue(reply.getString("message").startsWith("<Error> "), what + " -> " + body);
    assertEquals(initial, rep(), "the replica set is unchanged after " + what);
  }

  @Property(tries = 150)
  void garbageSentToTheAdminApiIsA4xxAndChangesNothing(@ForAll("adminCalls") String call, @ForAll("garbage") String body)
      throws Exception {
    String[] parts = call.split(" ");
    HttpResponse<Buffer> resp = system.send(HttpMethod.valueOf(parts[0]), parts[1], body).await(WAIT_S, TimeUnit.SECONDS);
    assertApiError(resp.statusCode(), resp.bodyAsString(), call + " " + abbreviated(body));
  }

  @Provide
  Arbitrary<String> adminCalls() {
    return Arbitraries.of("POST /add", "DELETE /rm", "POST /rm");
  }

  /** Bodies that can never be a valid request: bad JSON, bad n, bad names, deep nesting. */
  @Provide
  Arbitrary<String> garbage() {
    Arbitrary<Object> badN = Arbitraries.oneOf(
        Arbitraries.integers().lessOrEqual(0).map(Object.class::cast),
        Arbitraries.longs().greaterOrEqual(1L << 31).map(Object.class::cast),
        Arbitraries.doubles().between(-1e9, 1e9).map(d -> (Object) (Math.floor(d) + 0.5)),
        Arbitraries.strings().ofMaxLength(20).map(Object.class::cast),
        Arbitraries.of(true, false).map(Object.class::cast),
        Arbitraries.just(new JsonArray().add(1)),
        Arbitraries.just(new JsonObject().put("n", 1)));
    Arbitrary<String> badName = Arbitraries.oneOf(
        Arbitraries.strings().withChars("/\\$`;|&<>\"'*?\u0000\n").ofMinLength(1).ofMaxLength(5).map(s -> "S" + s),
        Arbitraries.strings().alpha().ofMinLength(64).ofMaxLength(200),
        Arbitraries.strings().alpha().ofMaxLength(10).map(s -> "-" + s),
        Arbitraries.just(""));
    Arbitrary<String> badNames = Combinators.combine(Arbitraries.integers().between(1, 3), badName)
        .as((n, name) -> new JsonObject().put("n", n).put("hostnames", new JsonArray().add(name)).encode());
    Arbitrary<String> nested = Arbitraries.integers().between(1, 3000).map(d -> "[".repeat(d) + "]".repeat(d));
    Arbitrary<String> deepObject = Arbitraries.integers().between(2, 2000)
        .map(d -> "{\"n\":".repeat(d) + "1" + "}".repeat(d));
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300).filter(s -> !s.trim().startsWith("{")),
        badN.map(n -> new JsonObject().put("n", n).encode()),
        badNames, nested, deepObject,
        Arbitraries.strings().ofMaxLength(50).map(s -> "{\"n\": 1, \"hostnames\": " + s));
  }

  @Property(tries = 150)
  void anyMethodOnAnyPathNeverBreaksTheBalancer(@ForAll("methods") String method, @ForAll("paths") String path)
      throws Exception {
    HttpResponse<Buffer> resp = system.send(HttpMethod.valueOf(method), path, null).await(WAIT_S, TimeUnit.SECONDS);
    int status = resp.statusCode();
    assertTrue(status < 500, method + " " + path + " -> " + status + " " + resp.bodyAsString());
    if (status >= 400 && !"HEAD".equals(method)) {
      assertApiError(status, resp.bodyAsString(), method + " " + path);
    }
    assertEquals(initial, rep());
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "PURGE", "FOO");
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abcxyz0123456789-._~").ofMinLength(1).ofMaxLength(12),
        Arbitraries.of("..", ".", "home", "heartbeat", "rep", "%2e%2e", "%00", "%C3%28", "%FF%FE", "%E2%82", "%25", "%2F"));
    return segment.list().ofMinSize(1).ofMaxSize(6).map(list -> "/" + String.join("/", list))
        .filter(p -> !List.of("/add", "/rm").contains(p));
  }

  // Raw requests: what a careful client library would never send.

  private static String raw(byte[] request) throws Exception {
    NetClient client = vertx.createNetClient();
    Promise<String> reply = Promise.promise();
    Buffer received = Buffer.buffer();
    client.connect(system.port(), "127.0.0.1").onSuccess(socket -> {
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> reply.tryComplete(received.toString(StandardCharsets.ISO_8859_1)));
      socket.write(Buffer.buffer(request));
    }).onFailure(reply::tryFail);
    try {
      return reply.future().await(WAIT_S, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  private static void assertRawError(String response, int status) throws Exception {
    // HTTP/1.0 when the request line could not be read, so its version is unknown
    assertTrue(response.matches("(?s)HTTP/1\\.[01] " + status + " .*"), response);
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    assertApiError(status, body, "raw request answered " + status);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Example
  void aRequestLineOverTheLimitIs414() throws Exception {
    assertRawError(raw(bytes("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), 414);
  }

  @Example
  void headersOverTheLimitAre431() throws Exception {
    assertRawError(raw(bytes("GET /home HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\nConnection: close\r\n\r\n")), 431);
  }

  @Example
  void aGarbageRequestLineIs400() throws Exception {
    assertRawError(raw(bytes("\u0001\u0002 nonsense\r\n\r\n")), 400);
  }

  @Example
  void invalidUtf8InABodyIs400() throws Exception {
    byte[] head = bytes("POST /add HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 24\r\n"
        + "Connection: close\r\n\r\n");
    byte[] body = {'{', '"', 'n', '"', ':', ' ', '1', ',', ' ', '"', 'h', 'o', 's', 't', 'n', 'a', 'm', 'e', 's', '"', ':',
        '[', '"', (byte) 0xC3};
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    assertRawError(raw(request), 400);
  }

  @Example
  void aBodyOverTheLimitIs413() throws Exception {
    String body = "{\"n\": 1, \"pad\": \"" + "x".repeat(BODY_LIMIT) + "\"}";
    assertRawError(raw(bytes("POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n\r\n" + body)), 413);
  }

  private static String abbreviated(String body) {
    return body.length() > 80 ? body.substring(0, 80) + "..." : body;
  }
}
