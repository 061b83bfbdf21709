package dev.lb.balancer;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Whether an HTTP/2 request without {@code Content-Length} has a body. HTTP/1.1 says so in its head (a length, or
 * chunks); HTTP/2 says it by the END_STREAM flag of the HEADERS frame, which Vert.x reads only after the request's
 * handler ran. So the request is watched until its event loop's next turn: by then a request that ended with its
 * headers (a GET) has ended, with no body; one that sent its whole body in the same packets has ended too, its body
 * here, and is kept whole like any small body (so it can be retried); any other streams, the bytes already read
 * first. What arrives meanwhile is bounded by the stream's flow-control window (64 KiB).
 */
final class Http2Body {

  /** What was found: the bytes read ({@code null}: none), and whether the request ended (they are its whole body). */
  @FunctionalInterface
  interface Settled {
    void then(Buffer read, boolean complete);
  }

  private Http2Body() {}

  static void settle(Vertx vertx, HttpServerRequest req, Settled settled) {
    Buffer[] read = new Buffer[1];
    boolean[] ended = new boolean[1];
    req.handler(chunk -> read[0] = read[0] == null ? Buffer.buffer(chunk.length()).appendBuffer(chunk)
        : read[0].appendBuffer(chunk));
    req.endHandler(v -> ended[0] = true);
    vertx.runOnContext(v -> {
      if (!ended[0]) {
        // whatever comes from now on waits for the exchange, which streams it (an ended request may not be paused)
        req.pause();
        req.handler(null);
        req.endHandler(null);
      }
      settled.then(read[0], ended[0]);
    });
  }
}
