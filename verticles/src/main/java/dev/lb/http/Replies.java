package dev.lb.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The one JSON shape of every reply of the API: {"message": ..., "status": "successful" | "failure"}. */
public final class Replies {

  public static final String MESSAGE = "message";
  public static final String STATUS = "status";
  public static final String SUCCESSFUL = "successful";
  public static final String FAILURE = "failure";
  private static final String JSON = "application/json";

  private Replies() {}

  /** The body of a successful reply. */
  public static Buffer successBody(Object message) {
    return new JsonObject().put(MESSAGE, message).put(STATUS, SUCCESSFUL).toBuffer();
  }

  /** The body of a failed reply; {@code message} should start with {@code <Error>}. */
  public static Buffer failureBody(String message) {
    return new JsonObject().put(MESSAGE, message).put(STATUS, FAILURE).toBuffer();
  }

  /** Ends {@code response} with 200 and {@code message}. */
  public static Future<Void> success(HttpServerResponse response, Object message) {
    return json(response, 200, successBody(message));
  }

  /** Ends {@code response} with {@code status} and the failure shape. */
  public static Future<Void> failure(HttpServerResponse response, int status, String message) {
    return json(response, status, failureBody(message));
  }

  /** Ends {@code response} with {@code status} and a JSON body already encoded. */
  public static Future<Void> json(HttpServerResponse response, int status, Buffer body) {
    if (response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body);
  }
}
