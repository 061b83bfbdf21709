package dev.lb;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A replica of the tests' own for large bodies, run as a process through {@code LB_REPLICA_COMMAND}:
 * {@code GET /blob?bytes=N[&chunked=true]} streams N bytes of a fixed pattern with back-pressure,
 * {@code POST|PUT /sink} reads a body with back-pressure and answers its length and CRC-32, {@code GET /stats} says
 * how many bytes it wrote and how many streams a client abandoned, {@code GET /heartbeat} answers 200.
 */
public final class BlobServer {

  private static final int CHUNK = 64 * 1024;
  private static final Buffer PATTERN = pattern();

  private final AtomicLong written = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();

  private BlobServer() {}

  /** The byte at {@code offset} of every blob. */
  public static byte byteAt(long offset) {
    return (byte) (offset * 31 + 7);
  }

  private static Buffer pattern() {
    Buffer b = Buffer.buffer(CHUNK);
    for (int k = 0; k < CHUNK; k++) {
      b.appendByte(byteAt(k));
    }
    return b;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    BlobServer server = new BlobServer();
    vertx.createHttpServer().requestHandler(server::handle).listen(port, "127.0.0.1").await();
  }

  private void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/heartbeat" -> req.response().end();
      case "/blob" -> blob(req, Long.parseLong(req.getParam("bytes", "0")), Boolean.parseBoolean(req.getParam("chunked")));
      case "/sink" -> sink(req);
      case "/stats" -> req.response().end(new JsonObject().put("written", written.get()).put("abandoned", abandoned.get())
          .encode());
      default -> req.response().setStatusCode(404).end();
    }
  }

  private void blob(HttpServerRequest req, long bytes, boolean chunked) {
    HttpServerResponse resp = req.response();
    if (chunked) {
      resp.setChunked(true);
    } else {
      resp.putHeader("Content-Length", String.valueOf(bytes));
    }
    resp.closeHandler(v -> {
      if (!resp.ended()) {
        abandoned.incrementAndGet();
      }
    });
    new Object() {
      long sent;

      void more() {
        while (sent < bytes && !resp.writeQueueFull() && !resp.closed()) {
          int n = (int) Math.min(CHUNK, bytes - sent);
          resp.write(n == CHUNK ? PATTERN : PATTERN.getBuffer(0, n));
          sent += n;
          written.addAndGet(n);
        }
        if (resp.closed()) {
          return;
        }
        if (sent >= bytes) {
          resp.end();
        } else {
          resp.drainHandler(v -> more());
        }
      }
    }.more();
  }

  private static void sink(HttpServerRequest req) {
    CRC32 crc = new CRC32();
    long[] count = new long[1];
    req.handler(chunk -> {
      byte[] bytes = chunk.getBytes();
      crc.update(bytes);
      count[0] += bytes.length;
    });
    req.endHandler(v -> req.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("bytes", count[0]).put("crc32", crc.getValue()).encode()));
  }
}
