package dev.lb.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
 * A replica for large bodies, to measure and test what the balancer does with them: {@code GET /blob?bytes=N} streams
 * N bytes of a fixed pattern ({@link #byteAt}) with a Content-Length, or chunked with {@code &chunked=true}, writing only
 * while the connection's queue has room; {@code POST} or {@code PUT /sink} reads a body of any size as it arrives and
 * answers {@code {"bytes": n, "crc32": c}}; {@code GET /stats} says how many bytes it wrote and how many downloads a
 * client abandoned; {@code GET /heartbeat} answers 200. Nothing is held in memory beyond one chunk.
 *
 * <p>It runs as a replica command, {@code java -cp <jar> dev.lb.server.BlobServer --port P [--host H]}, and exits when
 * the process that started it is gone. It lives here, next to the built-in replica and in the system's jar, because
 * two modules run it: the verticles' own tests ({@code StreamingIT}) and the load test's {@code bench --transfer},
 * which starts it from {@code loadtest.jar}. The verticles' tests cannot depend on the load test, and a test-jar would
 * put test classes into the load test's main code and jar, which Maven supports poorly (a test-jar brings none of its
 * dependencies); the system's jar is the one place both already reach. It is started only when named.
 */
public final class BlobServer extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(BlobServer.class.getName());
  private static final int CHUNK = 64 * 1024;
  /** One chunk of the pattern; since the pattern repeats every 256 bytes, chunk after chunk continues it. */
  private static final Buffer PATTERN = pattern();

  private final String host;
  private final int port;
  private HttpServer server;
  private long written;
  private long abandoned;

  /** A blob server on {@code host}:{@code port} (0: a port the system picks, see {@link #actualPort()}). */
  public BlobServer(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(this::route);
    return server.listen(port, host);
  }

  public int actualPort() {
    return server.actualPort();
  }

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

  private void route(HttpServerRequest req) {
    HttpMethod method = req.method();
    switch (req.path()) {
      case "/heartbeat" -> req.response().end();
      case "/blob" -> blob(req);
      case "/sink" -> {
        if (method == HttpMethod.POST || method == HttpMethod.PUT) {
          sink(req);
        } else {
          req.response().setStatusCode(405).end();
        }
      }
      case "/stats" -> req.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("written", written).put("abandoned", abandoned).encode());
      default -> req.response().setStatusCode(404).end();
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
    HttpServerResponse resp = req.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
    if (Boolean.parseBoolean(req.getParam("chunked"))) {
      resp.setChunked(true);
    } else {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(bytes));
    }
    resp.closeHandler(v -> {
      if (!resp.ended()) {
        abandoned++;
      }
    });
    new Writer(resp, bytes).write();
  }

  /** Writes a blob while the connection can take more, and resumes on drain. */
  private final class Writer {
    private final HttpServerResponse resp;
    private long left;

    Writer(HttpServerResponse resp, long bytes) {
      this.resp = resp;
      this.left = bytes;
    }

    void write() {
      while (left > 0 && !resp.closed() && !resp.writeQueueFull()) {
        int n = (int) Math.min(CHUNK, left);
        resp.write(n == CHUNK ? PATTERN : PATTERN.slice(0, n));
        left -= n;
        written += n;
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

  private static void sink(HttpServerRequest req) {
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
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    BlobServer server = options(args);
    vertx.deployVerticle(server)
        .onSuccess(id -> LOG.log(Level.INFO, "blob server listening on {0}", String.valueOf(server.actualPort())))
        .onFailure(err -> {
          LOG.log(Level.ERROR, "blob server failed to start", err);
          vertx.close().onComplete(v -> System.exit(1));
        });
    exitWithParent(vertx);
  }

  private static BlobServer options(String[] args) {
    int port = 0;
    String host = "127.0.0.1";
    for (int k = 0; k + 1 < args.length; k += 2) {
      switch (args[k]) {
        case "--port" -> port = Integer.parseInt(args[k + 1]);
        case "--host" -> host = args[k + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[k] + "; use --port P [--host H]");
      }
    }
    return new BlobServer(host, port);
  }

  /** A replica started by a process that is gone has no one left to stop it: it stops itself. */
  private static void exitWithParent(Vertx vertx) {
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
