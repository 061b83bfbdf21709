package dev.lb.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The dashboard's feed: server-sent events of the whole state, when a page connects, after every change (coalesced
 * within one event-loop turn) and every second. A page that cannot keep up skips states rather than piling them up.
 */
final class StateStream {

  private final Vertx vertx;
  private final Supplier<JsonObject> state;
  private final Set<HttpServerResponse> listeners = new HashSet<>();
  private boolean dirty;

  StateStream(Vertx vertx, Supplier<JsonObject> state) {
    this.vertx = vertx;
    this.state = state;
  }

  /** A page asks for the feed. */
  void open(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    listeners.add(response);
    response.closeHandler(v -> listeners.remove(response));
    response.write("retry: 1000\n\n");
    send(response, state.get());
  }

  /** The state changed (if {@code really}): pushed to every page at once, once per event-loop turn. */
  void changed(boolean really) {
    if (!really || dirty) {
      return;
    }
    dirty = true;
    vertx.runOnContext(v -> {
      dirty = false;
      push();
    });
  }

  /** Pushes the state to every page. */
  void push() {
    if (listeners.isEmpty()) {
      return;
    }
    JsonObject now = state.get();
    listeners.forEach(response -> send(response, now));
  }

  void close() {
    listeners.forEach(HttpServerResponse::end);
  }

  private static void send(HttpServerResponse response, JsonObject state) {
    if (!response.closed() && !response.writeQueueFull()) {
      response.write("event: state\ndata: " + state.encode() + "\n\n");
    }
  }
}
