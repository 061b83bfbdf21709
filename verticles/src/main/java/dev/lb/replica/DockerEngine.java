package dev.lb.replica;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The few calls of the Docker Engine API (v1.41) the Docker and Swarm backends need, over the engine's Unix socket.
 */
final class DockerEngine {

  private static final String API = "/v1.41";
  private static final long CALL_TIMEOUT_MS = 60_000;

  /** A call the engine answered with an error status; {@code status} is the HTTP status. */
  static final class DockerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    DockerException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final long callTimeoutMs;
  private final SocketAddress socket;
  private final HttpClient client;
  /** Where a call made from outside Vert.x runs (see {@link #call}). */
  private final Context context;

  DockerEngine(Vertx vertx, String socketPath) {
    this(vertx, socketPath, CALL_TIMEOUT_MS);
  }

  /** With {@code callTimeoutMs} as the time a call may take (the tests' choice). */
  DockerEngine(Vertx vertx, String socketPath, long callTimeoutMs) {
    this.callTimeoutMs = callTimeoutMs;
    this.socket = SocketAddress.domainSocketAddress(socketPath);
    this.client = vertx.createHttpClient();
    this.context = vertx.getOrCreateContext();
  }

  private RequestOptions options(HttpMethod method, String uri) {
    return new RequestOptions().setServer(socket).setHost("localhost").setMethod(method).setURI(API + uri);
  }

  /**
   * Calls the engine; the reply's JSON value (null if empty), or a {@link DockerException} for a 4xx/5xx. A call made
   * from outside Vert.x (a test's thread) runs on the engine's context: made from such a thread, a response could end
   * before its body was asked for, and that body never came (Vert.x 5.0.7; a few calls in thousands with the CPU busy,
   * and no timeout fired). A call ends within its time in any case: if not over by then, it fails with a {@link TimeoutException}
   * and its request, if it got one, is reset.
   */
  Future<Object> call(HttpMethod method, String uri, JsonObject body) {
    if (Vertx.currentContext() == null) {
      Promise<Object> answer = Promise.promise();
      context.runOnContext(v -> call(method, uri, body).onComplete(answer));
      return answer.future();
    }
    HttpClientRequest[] sent = new HttpClientRequest[1];
    return client.request(options(method, uri).setTimeout(callTimeoutMs))
        .compose(req -> {
          sent[0] = req;
          if (body == null) {
            return req.send();
          }
          req.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
          return req.send(body.toBuffer());
        })
        .compose(resp -> resp.body().compose(buf -> decode(method, uri, resp, buf)))
        .timeout(callTimeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> {
          if (!(err instanceof TimeoutException)) {
            return Future.failedFuture(err);
          }
          if (sent[0] != null) {
            sent[0].reset();
          }
          return Future.failedFuture(new TimeoutException("Docker engine: " + method + " " + uri.replaceAll("\\?.*", "")
              + " unanswered after " + callTimeoutMs + " ms"));
        });
  }

  private static Future<Object> decode(HttpMethod method, String uri, HttpClientResponse resp, Buffer buf) {
    if (resp.statusCode() >= 400) {
      String message = buf.length() > 0 && buf.getByte(0) == '{' ? new JsonObject(buf).getString("message") : buf.toString();
      return Future.failedFuture(new DockerException(resp.statusCode(),
          "Docker engine: " + method + " " + uri.replaceAll("\\?.*", "") + " -> " + resp.statusCode() + " " + message));
    }
    return Future.succeededFuture(buf.length() == 0 ? null : Json.decodeValue(buf));
  }

  Future<JsonArray> containers(String label) {
    return call(HttpMethod.GET, "/containers/json?all=true&filters=" + filters(label, null), null).map(JsonArray.class::cast);
  }

  Future<String> create(String name, JsonObject spec) {
    return call(HttpMethod.POST, "/containers/create?name=" + encode(name), spec)
        .map(reply -> ((JsonObject) reply).getString("Id"));
  }

  Future<Void> start(String id) {
    return call(HttpMethod.POST, "/containers/" + id + "/start", null).mapEmpty();
  }

  Future<JsonObject> inspect(String id) {
    return call(HttpMethod.GET, "/containers/" + id + "/json", null).map(JsonObject.class::cast);
  }

  /** Stops (SIGTERM, then SIGKILL after {@code graceSeconds}) and removes a container; a missing one is fine. */
  Future<Void> stopAndRemove(String id, int graceSeconds) {
    return call(HttpMethod.POST, "/containers/" + id + "/stop?t=" + graceSeconds, null)
        .recover(err -> ignorable(err) ? Future.succeededFuture() : Future.failedFuture(err))
        .compose(v -> call(HttpMethod.DELETE, "/containers/" + id + "?force=true&v=true", null))
        .recover(err -> ignorable(err) ? Future.succeededFuture() : Future.failedFuture(err))
        .mapEmpty();
  }

  private static boolean ignorable(Throwable err) {
    // 304: already stopped; 404: already gone; 409: removal already in progress
    return err instanceof DockerException de && (de.status == 304 || de.status == 404 || de.status == 409);
  }

  /** Creates a bridge network called {@code name} unless it exists; true if this call created it. */
  Future<Boolean> ensureNetwork(String name, String label) {
    return ensureNetwork(name, label, new JsonObject().put("Driver", "bridge"));
  }

  /**
   * Creates a network called {@code name} as {@code spec} says (its driver and options) unless it exists; true if this
   * call created it.
   */
  Future<Boolean> ensureNetwork(String name, String label, JsonObject spec) {
    return call(HttpMethod.GET, "/networks/" + encode(name), null).map(false).recover(err -> {
      if (!(err instanceof DockerException de && de.status == 404)) {
        return Future.failedFuture(err);
      }
      JsonObject create = spec.copy().put("Name", name).put("CheckDuplicate", true)
          .put("Labels", new JsonObject().put(label.substring(0, label.indexOf('=')), label.substring(label.indexOf('=') + 1)));
      return call(HttpMethod.POST, "/networks/create", create).map(true)
          .recover(e -> e instanceof DockerException d && d.status == 409 ? Future.succeededFuture(false) : Future.failedFuture(e));
    });
  }

  /** Removes network {@code name}; one still in use (403/409) or gone (404) is left as it is. */
  Future<Void> removeNetwork(String name) {
    return call(HttpMethod.DELETE, "/networks/" + encode(name), null).<Void>mapEmpty()
        .recover(err -> err instanceof DockerException de && (de.status == 403 || de.status == 404 || de.status == 409)
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** The Swarm services carrying {@code label} (swarm mode only). */
  Future<JsonArray> services(String label) {
    return call(HttpMethod.GET, "/services?filters=" + encode(new JsonObject().put("label", new JsonArray().add(label)).encode()),
        null).map(JsonArray.class::cast);
  }

  /** Creates a Swarm service; its id. */
  Future<String> createService(JsonObject spec) {
    return call(HttpMethod.POST, "/services/create", spec).map(reply -> ((JsonObject) reply).getString("ID"));
  }

  /** Removes a Swarm service (Swarm then stops its tasks); a missing one is fine. */
  Future<Void> removeService(String id) {
    return call(HttpMethod.DELETE, "/services/" + encode(id), null).<Void>mapEmpty()
        .recover(err -> err instanceof DockerException de && de.status == 404 ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /**
   * The tasks of the Swarm services {@code serviceIds}, whatever their state; a service that no longer exists has none.
   * The engine refuses the whole listing (404) when one of the services it filters by is gone, so then each one is
   * asked alone.
   */
  Future<JsonArray> tasks(Collection<String> serviceIds) {
    return tasksOf(List.copyOf(serviceIds)).recover(err -> {
      if (!(err instanceof DockerException de && de.status == 404)) {
        return Future.failedFuture(err);
      }
      if (serviceIds.size() == 1) {
        return Future.succeededFuture(new JsonArray());
      }
      List<Future<JsonArray>> each = serviceIds.stream().map(id -> tasks(List.of(id))).toList();
      return Future.all(each).map(all -> {
        JsonArray tasks = new JsonArray();
        each.forEach(f -> tasks.addAll(f.result()));
        return tasks;
      });
    });
  }

  private Future<JsonArray> tasksOf(List<String> serviceIds) {
    String filters = new JsonObject().put("service", new JsonArray(serviceIds)).encode();
    return call(HttpMethod.GET, "/tasks?filters=" + encode(filters), null).map(JsonArray.class::cast);
  }

  /**
   * Streams the {@code die} events of containers carrying {@code label} to {@code handler}; the future completes
   * when the stream is open, and {@code ended} is called when the engine closes it.
   */
  Future<Void> dieEvents(String label, Handler<JsonObject> handler, Handler<Throwable> ended) {
    return client.request(options(HttpMethod.GET, "/events?filters=" + filters(label, "die")))
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture(new DockerException(resp.statusCode(), "Docker engine refused the event stream"));
          }
          RecordParser lines = RecordParser.newDelimited("\n", resp);
          lines.handler(line -> {
            if (line.length() > 0) {
              handler.handle(new JsonObject(line));
            }
          });
          lines.exceptionHandler(ended);
          lines.endHandler(v -> ended.handle(null));
          return Future.succeededFuture();
        });
  }

  void close() {
    client.close();
  }

  private static String filters(String label, String event) {
    JsonObject filters = new JsonObject().put("label", new JsonArray().add(label));
    if (event != null) {
      filters.put("type", new JsonArray().add("container")).put("event", new JsonArray().add(event));
    }
    return encode(filters.encode());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
