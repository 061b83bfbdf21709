package dev.lb.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.OnContext;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestCertificates;
import dev.lb.TestCertificates.Issued;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The balancer's port over HTTPS, with in-JVM replicas: HTTP/1.1 and HTTP/2 (ALPN) routed and streamed alike, the
 * forwarding headers, the API and its token, curl, the redirect from plain HTTP, a WebSocket, SNI, and the byte
 * relay's framing behind TLS (pipelined requests, requests it refuses, the close).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class TlsBalancerTest {

  @TempDir
  static Path dir;
  static Issued ca;
  static Issued server;
  static Path cert;
  static Path key;
  static Path caFile;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.ca("Balancer Test CA");
    server = TestCertificates.server(ca, "balancer");
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    TestCertificates.writePair(server, cert, key, ca.cert());
    caFile = TestCertificates.write(dir.resolve("ca.pem"), TestCertificates.pem(ca.cert()));
  }

  static JsonObject tlsConfig() {
    return TestSystem.config().put(ConfigKeys.TLS_CERT, cert.toString()).put(ConfigKeys.TLS_KEY, key.toString());
  }

  /** A client that trusts the test CA and checks the host; HTTP/2 through ALPN if {@code http2}. */
  static HttpClient client(Vertx vertx, boolean http2) {
    HttpClientOptions options = new HttpClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(TestCertificates.pem(ca.cert()))));
    if (http2) {
      options.setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2);
    }
    return vertx.createHttpClient(options);
  }

  record Answer(int status, HttpVersion version, Buffer body, io.vertx.core.MultiMap headers) { }

  /** One request, started on a Vert.x context (see {@link OnContext}); fails if not answered within 20 s. */
  static Future<Answer> send(Vertx vertx, HttpClient client, int port, HttpMethod method, String path, Buffer body,
      boolean chunked, String... headers) {
    return OnContext.run(vertx, () -> sent(client, port, method, path, body, chunked, headers));
  }

  private static Future<Answer> sent(HttpClient client, int port, HttpMethod method, String path, Buffer body,
      boolean chunked, String... headers) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(path);
    for (int k = 0; k + 1 < headers.length; k += 2) {
      options.putHeader(headers[k], headers[k + 1]);
    }
    return client.request(options).compose(req -> {
      if (body == null) {
        return req.send();
      }
      if (chunked) {
        req.setChunked(true);
        // in pieces, so that the body streams
        for (int at = 0; at < body.length(); at += 16 * 1024) {
          req.write(body.getBuffer(at, Math.min(body.length(), at + 16 * 1024)));
        }
        req.end();
        return req.response();
      }
      return req.send(body);
    }).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.version(), b, resp.headers())))
        // a request that gets no answer fails the test instead of holding up the build
        .timeout(20, TimeUnit.SECONDS);
  }

  static Buffer randomBody(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  @Test
  void getAndPostWithBodiesBothWaysOverHttp11AndHttp2(Vertx vertx) {
    TestSystem system = TestSystem.deploy(vertx, tlsConfig(), new ScriptedReplicaBackend(vertx)).await();
    for (boolean http2 : List.of(false, true)) {
      HttpClient client = client(vertx, http2);
      HttpVersion expected = http2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1;
      Answer home = send(vertx, client, system.port(), HttpMethod.GET, "/home", null, false).await();
      assertEquals(200, home.status());
      assertEquals(expected, home.version());
      assertTrue(home.body().toString().contains("Hello from Server"), home.body().toString());
      Answer chunks = send(vertx, client, system.port(), HttpMethod.GET, "/chunked", null, false).await();
      assertEquals("abcdefg", chunks.body().toString(), expected + ": a chunked reply's data, unchunked");
      if (http2) {
        assertNull(chunks.headers().get("transfer-encoding"), "HTTP/2 has no Transfer-Encoding: " + chunks.headers());
      }
      for (int size : List.of(100, 1024 * 1024)) {
        for (boolean chunked : List.of(false, true)) {
          Buffer body = randomBody(size);
          Answer mirrored = send(vertx, client, system.port(), HttpMethod.POST, "/mirror", body, chunked).await();
          assertEquals(200, mirrored.status(), expected + " " + size + (chunked ? " chunked" : ""));
          assertEquals(expected, mirrored.version());
          assertArrayEquals(body.getBytes(), mirrored.body().getBytes(), expected + " " + size + (chunked ? " chunked" : ""));
        }
      }
      client.close();
    }
  }

  @Test
  void http2IsRetriedAndKeyedAsHttp11(Vertx vertx) {
    ScriptedReplicaBackend replicas = new ScriptedReplicaBackend(vertx);
    TestSystem system = TestSystem.deploy(vertx, tlsConfig().put(ConfigKeys.KEY, "header:X-User"), replicas).await();
    HttpClient client = client(vertx, true);
    String failing = system.replicas().await().get(0).name();
    replicas.failing.add(failing);
    for (int k = 0; k < 40; k++) {
      Answer answer = send(vertx, client, system.port(), HttpMethod.GET, "/home", null, false, "X-User", "user-" + k).await();
      assertEquals(200, answer.status(), "a GET failed by one replica is tried on the next: " + answer.body());
    }
    assertTrue(replicas.served500.get(failing).get() > 0, "the failing replica was tried");
    // one key, one replica
    String first = null;
    for (int k = 0; k < 10; k++) {
      Answer echo = send(vertx, client, system.port(), HttpMethod.GET, "/echo", null, false, "X-User", "alice").await();
      String replica = echo.headers().get("X-Replica");
      first = first == null ? replica : first;
      assertEquals(first, replica);
    }
  }

  @Test
  void replicasSeeHttpsInTheForwardingHeaders(Vertx vertx) {
    TestSystem system = TestSystem.deploy(vertx, tlsConfig(), new ScriptedReplicaBackend(vertx)).await();
    for (boolean http2 : List.of(false, true)) {
      HttpClient client = client(vertx, http2);
      JsonObject seen = send(vertx, client, system.port(), HttpMethod.GET, "/echo", null, false, "X-Forwarded-Proto", "http",
          "Forwarded", "proto=http").await().body().toJsonObject();
      String authority = "127.0.0.1:" + system.port();
      assertEquals("https", seen.getString("x-forwarded-proto"));
      assertEquals(authority, seen.getString("x-forwarded-host"), "HTTP/2's :authority stands for Host");
      assertEquals("for=127.0.0.1;host=\"" + authority + "\";proto=https", seen.getString("forwarded"));
      assertEquals("127.0.0.1", seen.getString("x-forwarded-for"));
      assertNull(seen.getString("connection"));
      assertFalse(seen.containsKey(":path") || seen.containsKey(":authority"), "no pseudo-header reaches a replica");
      client.close();
    }
  }

  @Test
  void theApiAndItsTokenWorkOverHttps(Vertx vertx) {
    TestSystem system = TestSystem.deploy(vertx, tlsConfig().put(ConfigKeys.ADMIN_TOKEN, "s3cret")).await();
    HttpClient client = client(vertx, true);
    Answer rep = send(vertx, client, system.port(), HttpMethod.GET, "/rep", null, false).await();
    assertEquals(200, rep.status());
    assertEquals(HttpVersion.HTTP_2, rep.version());
    Buffer add = Buffer.buffer("{\"n\": 1, \"hostnames\": [\"S9\"]}");
    assertEquals(401, send(vertx, client, system.port(), HttpMethod.POST, "/add", add, false).await().status());
    Answer added = send(vertx, client, system.port(), HttpMethod.POST, "/add", add, false, "Authorization", "Bearer s3cret").await();
    assertEquals(200, added.status(), added.body().toString());
    assertTrue(added.body().toJsonObject().getJsonObject("message").getJsonArray("replicas").contains("S9"));
    Answer removed = send(vertx, client, system.port(), HttpMethod.DELETE, "/rm", Buffer.buffer("{\"n\": 1, \"hostnames\": [\"S9\"]}"),
        false, "Authorization", "Bearer s3cret").await();
    assertEquals(200, removed.status(), removed.body().toString());
    assertFalse(removed.body().toJsonObject().getJsonObject("message").getJsonArray("replicas").contains("S9"));
  }

  @Test
  void curlSpeaksHttp2ToIt(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(onPath("curl"), "curl is not installed");
    TestSystem system = TestSystem.deploy(vertx, tlsConfig(), new ScriptedReplicaBackend(vertx)).await();
    String url = "https://127.0.0.1:" + system.port();
    String get = vertx.executeBlocking(() -> run("curl", "-sS", "--http2", "--cacert", caFile.toString(),
        "-w", "\n%{http_version} %{http_code}", url + "/home")).await();
    Assumptions.assumeFalse(get.contains("does not support HTTP2"), "this curl has no HTTP/2");
    assertTrue(get.endsWith("\n2 200"), get);
    assertTrue(get.contains("Hello from Server"), get);
    String post = vertx.executeBlocking(() -> run("curl", "-sS", "--http2", "--cacert", caFile.toString(),
        "--data-binary", "@" + cert, "-w", "\n%{http_version} %{http_code}", url + "/mirror")).await();
    assertTrue(post.endsWith("\n2 200"), post);
    assertTrue(post.startsWith(TestCertificates.pem(server.cert())), "the body came back whole");
  }

  static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && java.nio.file.Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void plainHttpRedirectsToHttpsWhenAsked(Vertx vertx) {
    TestSystem system = TestSystem.deploy(vertx, tlsConfig().put(ConfigKeys.TLS_PORT, 0).put(ConfigKeys.TLS_REDIRECT, true),
        new ScriptedReplicaBackend(vertx)).await();
    assertTrue(system.tlsPort() > 0 && system.tlsPort() != system.port());
    HttpClient plain = vertx.createHttpClient();
    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
      Answer moved = send(vertx, plain, system.port(), method, "/home?id=123456",
          method == HttpMethod.POST ? Buffer.buffer("x") : null, false).await();
      assertEquals(308, moved.status(), method.name());
      assertEquals("https://127.0.0.1:" + system.tlsPort() + "/home?id=123456", moved.headers().get("Location"));
    }
    assertEquals(308, send(vertx, plain, system.port(), HttpMethod.GET, "/rep", null, false).await().status(), "the API too");
    HttpClient secure = client(vertx, false);
    Answer followed = send(vertx, secure, system.tlsPort(), HttpMethod.GET, "/home?id=123456", null, false).await();
    assertEquals(200, followed.status());
    plain.close();
    secure.close();
  }

  @Test
  void plainHttpServesBesideHttpsWithoutRedirect(Vertx vertx) {
    TestSystem system = TestSystem.deploy(vertx, tlsConfig().put(ConfigKeys.TLS_PORT, 0), new ScriptedReplicaBackend(vertx))
        .await();
    // kept in variables: a client nobody refers to may be closed under way
    HttpClient plainClient = vertx.createHttpClient();
    HttpClient tlsClient = client(vertx, true);
    JsonObject plain = send(vertx, plainClient, system.port(), HttpMethod.GET, "/echo", null, false).await().body().toJsonObject();
    JsonObject secure = send(vertx, tlsClient, system.tlsPort(), HttpMethod.GET, "/echo", null, false).await().body().toJsonObject();
    assertEquals("http", plain.getString("x-forwarded-proto"));
    assertEquals("https", secure.getString("x-forwarded-proto"));
  }

  @Test
  void aWebSocketOverHttp11IsStillTunnelled(Vertx vertx) {
    TestSystem system = TestSystem.deploy(vertx, tlsConfig(), new ScriptedReplicaBackend(vertx)).await();
    var ws = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(TestCertificates.pem(ca.cert())))));
    var socket = ws.connect(system.port(), "127.0.0.1", "/ws").await();
    Future<Buffer> echoed = Future.future(p -> socket.binaryMessageHandler(p::tryComplete));
    socket.writeBinaryMessage(Buffer.buffer("over TLS"));
    assertEquals("over TLS", echoed.await().toString());
    socket.close().await();
  }

  @Test
  void sniPicksTheCertificateOfTheNameAsked(Vertx vertx) throws Exception {
    Path sni = dir.resolve("sni");
    java.nio.file.Files.createDirectories(sni);
    Issued other = TestCertificates.server(ca, "other", TestCertificates.keys(false), java.time.Instant.now().minusSeconds(60),
        java.time.Instant.now().plusSeconds(86_400), "other.test");
    TestCertificates.writePair(other, sni.resolve("other.crt"), sni.resolve("other.key"));
    TestSystem system = TestSystem.deploy(vertx, tlsConfig().put(ConfigKeys.TLS_SNI_DIR, sni.toString()),
        new ScriptedReplicaBackend(vertx)).await();
    assertEquals(other.serialHex(), vertx.executeBlocking(() -> servedSerial(system.port(), "other.test")).await());
    assertEquals(server.serialHex(), vertx.executeBlocking(() -> servedSerial(system.port(), "localhost")).await());
    assertEquals(server.serialHex(), vertx.executeBlocking(() -> servedSerial(system.port(), null)).await(),
        "without SNI, the default pair");
  }

  @Test
  void theRelayFramesHttpsAsItFramesPlainHttp(Vertx vertx) throws Exception {
    ScriptedReplicaBackend replicas = new ScriptedReplicaBackend(vertx);
    TestSystem system = TestSystem.deploy(vertx, tlsConfig(), replicas).await();
    String echo = "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n";
    String pipelined = vertx.executeBlocking(() -> overTls(system.port(), echo + echo
        + "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0)).await();
    assertEquals(3, pipelined.split("HTTP/1.1 200 ").length - 1, "three answers, in order: " + pipelined);
    assertEquals(3, pipelined.split("\"x-forwarded-proto\":\"https\"").length - 1, pipelined);
    assertTrue(pipelined.endsWith("}"), "the connection ended after the third answer, cleanly: " + pipelined);
    String post = "POST /probe HTTP/1.1\r\nHost: x\r\n";
    for (String bad : List.of(post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", "GET /probe HTTP/1.1\r\nX-A: no host\r\n\r\n")) {
      for (int split : List.of(1, bad.indexOf("\r\n\r\n"), bad.length() - 1)) {
        String answer = vertx.executeBlocking(() -> overTls(system.port(), bad, split)).await();
        assertTrue(answer.startsWith("HTTP/1.1 400 "), split + ": " + answer);
        assertTrue(answer.contains("connection: close"), answer);
      }
    }
    replicas.hits.keySet().forEach(hit -> assertFalse(hit.endsWith(" /probe"), "a replica saw " + hit));
  }

  /**
   * Writes {@code request} over a new TLS connection, in two records split after {@code split} bytes (one if 0), and
   * reads until the balancer ends the connection with TLS's close_notify (a reset or a stall fails the test).
   */
  static String overTls(int port, String request, int split) throws Exception {
    try (SSLSocket socket = (SSLSocket) trustingTestCa().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
      java.io.OutputStream out = socket.getOutputStream();
      if (split > 0) {
        out.write(bytes, 0, split);
        out.flush();
        out.write(bytes, split, bytes.length - split);
      } else {
        out.write(bytes);
      }
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  static SSLContext trustingTestCa() throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", ca.cert());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** The serial of the certificate served on a new connection, asking for {@code name} by SNI (none if null). */
  static String servedSerial(int port, String name) throws Exception {
    try (SSLSocket socket = (SSLSocket) trustingTestCa().getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(name == null ? List.of() : List.of(new SNIHostName(name)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      java.security.cert.X509Certificate served = (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
      return served.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }
  }
}
