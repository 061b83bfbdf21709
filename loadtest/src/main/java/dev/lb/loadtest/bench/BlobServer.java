package dev.lb.loadtest.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.zip.CRC32;

/**
 * A replica for large transfers: {@code GET /heartbeat} answers 200, {@code GET /blob?bytes=N} streams N bytes of a
 * fixed pattern (with a Content-Length, writing only while the connection's queue has room), {@code POST /sink}
 * reads a body of any size as it arrives and answers {@code {"bytes": n, "crc32": c}}. Nothing is held in memory
 * beyond one chunk. Runs as {@code java -cp loadtest.jar dev.lb.loadtest.bench.BlobServer --port P [--host H]}; a
 * server started so exits when the process that started it is gone. Config: {@code http.port}, {@code http.host}.
 */
public final class BlobServer extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(BlobServer.class.getName());
  private static final int CHUNK = 64 * 1024;
  private static final Buffer PATTERN = pattern();

  private HttpServer server;

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(this::route);
    return server.listen(config().getInteger("http.port", 0), config().getString("http.host", "127.0.0.1"));
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** Byte {@code k} of every blob. */
  public static byte patternByte(long k) {
    return (byte) (k % 251);
  }

  private static Buffer pattern() {
    byte[] bytes = new byte[CHUNK];
    for (int k = 0; k < CHUNK; k++) {
      bytes[k] = patternByte(k);
    }
    return Buffer.buffer(bytes);
  }

  private void route(HttpServerRequest req) {
    String path = req.path();
    if (req.method() == HttpMethod.GET && path.equals("/heartbeat")) {
      req.response().end();
    } else if (req.method() == HttpMethod.GET && path.equals("/blob")) {
      blob(req);
    } else if (req.method() == HttpMethod.POST && path.equals("/sink")) {
      sink(req);
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private void blob(HttpServerRequest req) {
    long bytes;
    try {
      bytes = Long.parseLong(req.getParam("bytes", "0"));
    } catch (NumberFormatException e) {
      bytes = -1;
    }
    if (bytes < 0) {
      req.response().setStatusCode(400).end("bytes must be a number >= 0");
      return;
    }
    HttpServerResponse resp = req.response().putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(bytes))
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
    new Writer(resp, bytes).write();
  }

  /** Writes a blob while the connection can take more, and resumes on drain. */
  private static final class Writer {
    private final HttpServerResponse resp;
    private long position;
    private long left;

    Writer(HttpServerResponse resp, long bytes) {
      this.resp = resp;
      this.left = bytes;
    }

    void write() {
      while (left > 0 && !resp.closed() && !resp.writeQueueFull()) {
        // the pattern repeats every 251 bytes: a slice of the chunk starting at position mod 251 continues it
        int offset = (int) (position % 251);
        int n = (int) Math.min(CHUNK - offset, left);
        resp.write(PATTERN.slice(offset, offset + n));
        position += n;
        left -= n;
      }
      if (resp.closed()) {
        return;
      }
      if (left == 0) {
        resp.end();
      } else {
        resp.drainHandler(v -> write());
      }
    }
  }

  private void sink(HttpServerRequest req) {
    CRC32 crc = new CRC32();
    long[] bytes = {0};
    req.handler(chunk -> {
      bytes[0] += chunk.length();
      crc.update(chunk.getBytes());
    });
    req.endHandler(v -> req.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("bytes", bytes[0]).put("crc32", crc.getValue()).encode()));
    req.exceptionHandler(err -> LOG.log(Level.DEBUG, "upload ended early: {0}", err.toString()));
  }

  /** {@code --port P} (default 0: any) and {@code --host H} (default 127.0.0.1). */
  public static void main(String[] args) {
    JsonObject conf = new JsonObject();
    for (int k = 0; k + 1 < args.length; k += 2) {
      switch (args[k]) {
        case "--port" -> conf.put("http.port", Integer.parseInt(args[k + 1]));
        case "--host" -> conf.put("http.host", args[k + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[k] + "; use --port P [--host H]");
      }
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    BlobServer server = new BlobServer();
    vertx.deployVerticle(server, new io.vertx.core.DeploymentOptions().setConfig(conf))
        .onSuccess(id -> LOG.log(Level.INFO, "blob server listening on {0}", String.valueOf(server.actualPort())))
        .onFailure(err -> {
          LOG.log(Level.ERROR, "blob server failed to start", err);
          vertx.close().onComplete(v -> System.exit(1));
        });
    long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    vertx.setPeriodic(1000, id -> {
      if (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
        return;
      }
      LOG.log(Level.INFO, "the process that started this blob server is gone; exiting");
      vertx.close().onComplete(v -> System.exit(0));
    });
  }
}
