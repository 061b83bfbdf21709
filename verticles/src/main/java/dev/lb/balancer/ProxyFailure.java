package dev.lb.balancer;

import dev.lb.http.AccessEntry;
import dev.lb.http.Replies;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Why a routed request got no reply from a replica, and the one place where that becomes a status and a message in
 * the API's shape. Whether a failed try may be made again is decided where it failed (before or after anything was
 * sent), never from the text of an exception.
 */
enum ProxyFailure {
  /** No replica is up to take the request. */
  NO_REPLICA(503),
  /**
   * The replica is at its cap of requests in flight ({@code proxy.max.inflight}) and the request found its queue full
   * or waited out {@code proxy.queue.timeout}: answered with {@code Retry-After}.
   */
  OVERLOADED(503),
  /** Every replica tried failed: refused, reset, or answered with a server error that was not passed on. */
  REPLICA_FAILED(502),
  /** No replica answered within {@code proxy.timeout.ms}. */
  TIMEOUT(504),
  /** The request body is larger than {@code proxy.body.limit}. */
  BODY_TOO_LARGE(413),
  /** The request's body could not be read (the client broke it off, or sent a malformed one). */
  BAD_BODY(400),
  /** The replicas answered 404 for the path (the assignment's rule, {@code proxy.rewrite.404}). */
  NO_SUCH_ENDPOINT(400);

  final int status;

  ProxyFailure(int status) {
    this.status = status;
  }

  /** Ends the client's response with this failure; {@code detail} completes the message. */
  void reply(HttpServerRequest req, String detail) {
    HttpServerResponse response = req.response();
    if ((this == BODY_TOO_LARGE || this == BAD_BODY) && req.version() != HttpVersion.HTTP_2) {
      // the rest of the body will not be read: the connection cannot be reused (an HTTP/2 stream ends alone)
      response.putHeader("Connection", "close");
    }
    Replies.failure(response, status, message(req.path(), detail));
  }

  /** How a request that ended with this failure ended, as the access log says it. */
  AccessEntry.End end() {
    return switch (this) {
      case NO_REPLICA -> AccessEntry.End.NO_REPLICA;
      case OVERLOADED -> AccessEntry.End.OVERLOADED;
      case REPLICA_FAILED -> AccessEntry.End.FAILED;
      case TIMEOUT -> AccessEntry.End.TIMEOUT;
      case NO_SUCH_ENDPOINT -> AccessEntry.End.REPLIED;
      case BODY_TOO_LARGE, BAD_BODY -> AccessEntry.End.REFUSED;
    };
  }

  /** The message in the API's shape for a request to {@code path}; {@code detail} completes it. */
  String message(String path, String detail) {
    return switch (this) {
      case NO_REPLICA -> "<Error> No live server replica can serve '" + path + "'";
      case OVERLOADED -> "<Error> Server replica " + detail + " is at capacity for '" + path + "'; retry later";
      case REPLICA_FAILED -> "<Error> Server replica " + detail + " failed to answer '" + path + "'";
      case TIMEOUT -> "<Error> No server replica answered '" + path + "' within " + detail + " ms";
      case BODY_TOO_LARGE -> "<Error> Request body is larger than " + detail + " bytes";
      case BAD_BODY -> "<Error> The request's body could not be read";
      case NO_SUCH_ENDPOINT -> "<Error> '" + path + "' endpoint does not exist in server replicas";
    };
  }
}
