package dev.lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The blob server streams exactly the bytes asked for and counts what it is sent. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class BlobServerTest {

  private final BlobServer server = new BlobServer("127.0.0.1", 0);
  private WebClient client;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    vertx.deployVerticle(server, new DeploymentOptions().setConfig(new JsonObject().put("http.port", 0)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void downloadsTheBytesAskedFor(VertxTestContext ctx) {
    long bytes = 3 * 1024 * 1024 + 12_345;
    client.get(server.actualPort(), "127.0.0.1", "/blob?bytes=" + bytes).send()
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          assertEquals(String.valueOf(bytes), resp.getHeader("Content-Length"));
          Buffer body = resp.body();
          assertEquals(bytes, body.length());
          for (long k : new long[] {0, 250, 251, 65_535, 65_536, 1_000_003, bytes - 1}) {
            assertEquals(BlobServer.byteAt(k), body.getByte((int) k), "byte " + k);
          }
          ctx.completeNow();
        })));
  }

  @Test
  void uploadIsCountedWithItsCrc(VertxTestContext ctx) {
    byte[] data = new byte[2 * 1024 * 1024 + 7];
    new Random(1).nextBytes(data);
    CRC32 crc = new CRC32();
    crc.update(data);
    client.post(server.actualPort(), "127.0.0.1", "/sink").sendBuffer(Buffer.buffer(data))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          JsonObject reply = resp.bodyAsJsonObject();
          assertEquals(data.length, reply.getLong("bytes"));
          assertEquals(crc.getValue(), reply.getLong("crc32"));
          ctx.completeNow();
        })));
  }

  @Test
  void heartbeatAndUnknownPaths(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    client.get(server.actualPort(), "127.0.0.1", "/heartbeat").send()
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          checkpoint.flag();
        })));
    client.get(server.actualPort(), "127.0.0.1", "/nope").send()
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(404, resp.statusCode());
          checkpoint.flag();
        })));
  }

  @Test
  void aChunkedDownloadHasTheSameBytes(VertxTestContext ctx) {
    long bytes = 200_001;
    client.get(server.actualPort(), "127.0.0.1", "/blob?chunked=true&bytes=" + bytes).send()
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          assertEquals("chunked", resp.getHeader("Transfer-Encoding"));
          assertEquals(bytes, resp.body().length());
          assertEquals(BlobServer.byteAt(bytes - 1), resp.body().getByte((int) bytes - 1));
          ctx.completeNow();
        })));
  }

  @Test
  void statsCountTheBytesWrittenAndBadSizesAreRefused(VertxTestContext ctx) {
    client.get(server.actualPort(), "127.0.0.1", "/blob?bytes=1000").send()
        .compose(r -> client.get(server.actualPort(), "127.0.0.1", "/blob?bytes=-5").send())
        .compose(bad -> {
          ctx.verify(() -> assertEquals(400, bad.statusCode()));
          return client.get(server.actualPort(), "127.0.0.1", "/stats").send();
        })
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(1000, resp.bodyAsJsonObject().getLong("written"));
          assertEquals(0, resp.bodyAsJsonObject().getLong("abandoned"));
          ctx.completeNow();
        })));
  }
}
