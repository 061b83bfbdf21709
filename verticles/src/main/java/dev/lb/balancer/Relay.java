package dev.lb.balancer;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Passes a replica's reply on to the client: status, headers without hop-by-hop ones, and the body, streamed with
 * back-pressure. A small reply (its length declared, at most {@value #WHOLE_REPLY_BYTES} bytes) is read whole and
 * written in one go: one write to the client instead of two.
 */
final class Relay {

  static final long WHOLE_REPLY_BYTES = 64 * 1024;

  private Relay() {}

  /**
   * Relays {@code reply} to {@code out}; {@code done} hears true once it was passed on whole, false if either side broke
   * off (the client's response is then reset).
   */
  static void pass(HttpClientResponse reply, HttpServerResponse out, boolean head, Handler<Boolean> done) {
    out.setStatusCode(reply.statusCode()).setStatusMessage(reply.statusMessage());
    out.headers().setAll(reply.headers());
    HopByHop.strip(out.headers());
    String length = reply.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    }
    if (length != null && length.length() < 6 && Long.parseLong(length) <= WHOLE_REPLY_BYTES) {
      reply.body().onComplete(ar -> {
        if (ar.succeeded()) {
          out.end(ar.result());
        } else {
          out.reset();
        }
        done.handle(ar.succeeded());
      });
      return;
    }
    if (length == null && !head) {
      out.setChunked(true);
    }
    reply.pipe().endOnFailure(false).to(out).onComplete(ar -> {
      if (ar.failed()) {
        out.reset();
      }
      done.handle(ar.succeeded());
    });
  }
}
