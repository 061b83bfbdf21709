package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.OnContext;
import dev.lb.Processes;
import dev.lb.server.BlobServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies far larger than the balancer's heap pass through it both ways, intact: the balancer runs as its own JVM with
 * a 48 MB heap (and so 48 MB of direct memory), its replicas are {@link BlobServer}s run through
 * {@code LB_REPLICA_COMMAND}. A slow client and one that leaves mid-body show the back-pressure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamingIT {

  private static final long MIB = 1024 * 1024;
  private static final int CHUNK = 64 * 1024;

  private BalancerProcess balancer;
  private Vertx vertx;
  private HttpClient client;

  @BeforeAll
  void start() throws Exception {
    Path logs = Path.of("target", "streaming-it");
    Files.createDirectories(logs);
    String command = Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx64m -cp "
        + System.getProperty("java.class.path") + " " + BlobServer.class.getName() + " --port {port}";
    balancer = BalancerProcess.start(Map.of("LB_REPLICA_COMMAND", command, "LB_HEALTH_PATH", "/heartbeat",
        "LB_REWRITE_404", "false", "LB_REPLICAS", "2"), logs.resolve("balancer.log"), List.of("-Xmx48m"));
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    balancer.serving(vertx, 60_000).await();
  }

  @AfterAll
  void stop() throws Exception {
    if (balancer != null) {
      balancer.process.destroy();
      balancer.process.waitFor(30, TimeUnit.SECONDS);
      balancer.process.destroyForcibly();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private RequestOptions to(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(balancer.port).setURI(uri);
  }

  /** The CRC-32 of the first {@code bytes} bytes of every blob. */
  private static long expectedCrc(long bytes) {
    CRC32 crc = new CRC32();
    byte[] chunk = new byte[CHUNK];
    for (long done = 0; done < bytes; done += CHUNK) {
      int n = (int) Math.min(CHUNK, bytes - done);
      for (int k = 0; k < n; k++) {
        chunk[k] = BlobServer.byteAt(k);
      }
      crc.update(chunk, 0, n);
    }
    return crc.getValue();
  }

  /** Reads a whole reply, counting its bytes and their CRC-32; pauses {@code pauseMs} once {@code pauseAt} bytes came. */
  private Future<long[]> read(HttpClientResponse resp, long pauseAt, long pauseMs) {
    Promise<long[]> done = Promise.promise();
    CRC32 crc = new CRC32();
    long[] count = new long[1];
    boolean[] paused = new boolean[1];
    resp.handler(chunk -> {
      crc.update(chunk.getBytes());
      count[0] += chunk.length();
      if (!paused[0] && count[0] >= pauseAt) {
        paused[0] = true;
        resp.pause();
        vertx.setTimer(pauseMs, t -> resp.resume());
      }
    });
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> done.tryComplete(new long[] {count[0], crc.getValue()}));
    return done.future();
  }

  private long[] download(String uri, long pauseAt, long pauseMs) throws Exception {
    // on a context: from the test's thread, the first pieces could arrive before read() set its handler, and be lost
    return OnContext.run(vertx, () -> client.request(to(HttpMethod.GET, uri)).compose(HttpClientRequest::send)
        .compose(resp -> {
          assertEquals(200, resp.statusCode());
          return read(resp, pauseAt, pauseMs);
        })).await(120, TimeUnit.SECONDS);
  }

  /** Sends {@code bytes} bytes of the blob pattern to {@code /sink}, with back-pressure; its answer. */
  private JsonObject upload(long bytes, boolean chunked) throws Exception {
    return OnContext.run(vertx, () -> client.request(to(HttpMethod.PUT, "/sink")).compose(req -> {
      if (chunked) {
        req.setChunked(true);
      } else {
        req.putHeader("Content-Length", String.valueOf(bytes));
      }
      Buffer chunk = Buffer.buffer(CHUNK);
      for (int k = 0; k < CHUNK; k++) {
        chunk.appendByte(BlobServer.byteAt(k));
      }
      Future<HttpClientResponse> response = req.response();
      new Object() {
        long sent;

        void more() {
          while (sent < bytes && !req.writeQueueFull()) {
            int n = (int) Math.min(CHUNK, bytes - sent);
            req.write(n == CHUNK ? chunk : chunk.getBuffer(0, n));
            sent += n;
          }
          if (sent >= bytes) {
            req.end();
          } else {
            req.drainHandler(v -> more());
          }
        }
      }.more();
      return response;
    }).compose(resp -> resp.body().map(b -> {
      assertEquals(200, resp.statusCode(), b.toString());
      return b.toJsonObject();
    }))).await(120, TimeUnit.SECONDS);
  }

  @Test
  void aDownloadFiveTimesTheBalancersHeapArrivesIntact() throws Exception {
    long bytes = 256 * MIB;
    long[] got = download("/blob?bytes=" + bytes, Long.MAX_VALUE, 0);
    assertEquals(bytes, got[0]);
    assertEquals(expectedCrc(bytes), got[1]);
  }

  @Test
  void aChunkedDownloadArrivesIntact() throws Exception {
    long bytes = 64 * MIB + 12345;
    long[] got = download("/blob?chunked=true&bytes=" + bytes, Long.MAX_VALUE, 0);
    assertEquals(bytes, got[0]);
    assertEquals(expectedCrc(bytes), got[1]);
  }

  @Test
  void anUploadFiveTimesTheBalancersHeapArrivesIntact() throws Exception {
    long bytes = 256 * MIB;
    JsonObject got = upload(bytes, false);
    assertEquals(bytes, got.getLong("bytes"));
    assertEquals(expectedCrc(bytes), got.getLong("crc32"));
  }

  @Test
  void aChunkedUploadArrivesIntact() throws Exception {
    long bytes = 64 * MIB + 777;
    JsonObject got = upload(bytes, true);
    assertEquals(bytes, got.getLong("bytes"));
    assertEquals(expectedCrc(bytes), got.getLong("crc32"));
  }

  @Test
  void aSlowClientIsServedWithoutTheBalancerBufferingTheReply() throws Exception {
    long bytes = 200 * MIB;
    long[] got = download("/blob?bytes=" + bytes, 8 * MIB, 3000);
    assertEquals(bytes, got[0], "a balancer that buffered 200 MB would have run out of its 48 MB");
    assertEquals(expectedCrc(bytes), got[1]);
  }

  @Test
  void aClientThatLeavesMidBodyFreesTheReplica() throws Exception {
    long bytes = 1024 * MIB;
    long before = replicaStats("abandoned");
    assertTrue(before >= 0, "the replicas answer /stats");
    OnContext.run(vertx, () -> client.request(to(HttpMethod.GET, "/blob?bytes=" + bytes)).compose(HttpClientRequest::send)
        .compose(resp -> {
          Promise<Void> left = Promise.promise();
          long[] count = new long[1];
          resp.handler(chunk -> {
            count[0] += chunk.length();
            if (count[0] >= 8 * MIB && !left.future().isComplete()) {
              resp.request().connection().close();
              left.tryComplete();
            }
          });
          return left.future();
        })).await(60, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 10_000;
    while (replicaStats("abandoned") <= before && System.currentTimeMillis() < deadline) {
      vertx.timer(100).await();
    }
    assertTrue(replicaStats("abandoned") > before, "the replica saw its stream abandoned");
    long written = replicaStats("written");
    assertTrue(written >= 0 && written < bytes, "the replica stopped writing: " + written);
  }

  /**
   * A counter of {@code /stats}, summed over the replica processes (asked directly, not through the balancer, each up
   * to 3 times: a question on a kept-alive connection the replica just closed fails without telling anything of the
   * replica); -1 if one did not answer.
   */
  private long replicaStats(String field) {
    long sum = 0;
    for (ProcessHandle p : balancer.process.descendants().toList()) {
      List<String> args = Processes.arguments(p);
      if (args.contains(BlobServer.class.getName())) {
        long value = stat(Integer.parseInt(args.get(args.indexOf("--port") + 1)), field);
        if (value < 0) {
          return -1;
        }
        sum += value;
      }
    }
    return sum;
  }

  private long stat(int port, String field) {
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return OnContext.run(vertx, () -> client.request(new RequestOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/stats").setTimeout(2000))
            .compose(HttpClientRequest::send).compose(HttpClientResponse::body)
            .map(b -> b.toJsonObject().getLong(field))).await(3, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.printf("StreamingIT: /stats of the replica on port %d failed (try %d of 3): %s%n", port, attempt, e);
      }
    }
    return -1;
  }
}
