package dev.lb;

import dev.lb.replica.Replica;
import dev.lb.replica.ReplicaBackend;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-JVM replicas whose behaviour a test scripts: {@code /home} answers like a real replica, or 500 while the test
 * says so; {@code /echo} answers with the request headers it received; {@code /body} answers the length of the body it
 * read; {@code /reset} reads the body, then closes the connection without an answer on a failing replica;
 * {@code /half} sends a reply's head and 10 of its 1,000 bytes, then closes, on a failing replica; {@code /slow}
 * answers its name after 800 ms (and records the connection it came on); {@code /ws} echoes a WebSocket, {@code /nows} refuses one (403); {@code /heartbeat}
 * always answers 200; {@code /mirror} answers with the body it read; {@code /chunked} answers "abcdefg" in two chunks;
 * {@code /early} answers 413 without reading the body. Counts what each replica answered, and each path
 * it was asked for. Speaks HTTPS if made with TLS server options.
 */
public final class ScriptedReplicaBackend implements ReplicaBackend {

  private final Vertx vertx;
  private final Map<String, Replica> byName = new HashMap<>();
  /** Replicas answering 500 to {@code /home} now. */
  public final Set500 failing = new Set500();
  public final Map<String, AtomicLong> served200 = new ConcurrentHashMap<>();
  public final Map<String, AtomicLong> served500 = new ConcurrentHashMap<>();
  /** The {@code traceparent} each replica last got on {@code /home}. */
  public final Map<String, String> traceparents = new ConcurrentHashMap<>();
  /** Requests each replica got, by "name path". */
  public final Map<String, AtomicLong> hits = new ConcurrentHashMap<>();
  /** The connections {@code /slow} requests came on, by replica name. */
  public final Map<String, Set<Object>> slowConnections = new ConcurrentHashMap<>();

  /** A set shared with the replicas' event loops. */
  public static final class Set500 {
    private final Map<String, Boolean> names = new ConcurrentHashMap<>();

    public void add(String name) {
      names.put(name, true);
    }

    public void remove(String name) {
      names.remove(name);
    }

    boolean contains(String name) {
      return names.containsKey(name);
    }
  }

  private final io.vertx.core.http.HttpServerOptions options;

  public ScriptedReplicaBackend(Vertx vertx) {
    this(vertx, new io.vertx.core.http.HttpServerOptions());
  }

  /** Replicas listening with {@code options} (HTTPS ones, say). */
  public ScriptedReplicaBackend(Vertx vertx, io.vertx.core.http.HttpServerOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  private final class Scripted extends VerticleBase {
    private final String name;
    private HttpServer server;

    Scripted(String name) {
      this.name = name;
    }

    @Override
    public Future<?> start() {
      server = vertx.createHttpServer(options).requestHandler(req -> {
        hits.computeIfAbsent(name + " " + req.path(), n -> new AtomicLong()).incrementAndGet();
        switch (req.path().startsWith("/echo") ? "/echo" : req.path()) {
          case "/slow" -> {
            slowConnections.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(req.connection());
            req.body().onSuccess(b -> vertx.setTimer(800, t -> req.response().end(name)));
          }
          case "/ws" -> req.toWebSocket().onSuccess(ws -> ws.handler(ws::write));
          case "/nows" -> req.response().setStatusCode(403).end("no upgrade here");
          case "/body" -> req.body().onSuccess(b -> req.response().end(name + " " + b.length()));
          case "/mirror" -> req.body().onSuccess(b -> req.response().putHeader("X-Replica", name)
              .putHeader("X-Proto", req.isSSL() ? "https" : "http").end(b));
          case "/reset" -> req.body().onSuccess(b -> {
            if (failing.contains(name)) {
              req.connection().close();
            } else {
              req.response().end(name + " " + b.length());
            }
          });
          case "/half" -> {
            if (failing.contains(name)) {
              req.response().putHeader("Content-Length", "1000").write("0123456789")
                  .onComplete(ar -> req.connection().close());
            } else {
              req.response().end("x".repeat(1000));
            }
          }
          case "/chunked" -> req.response().setChunked(true).write("abc").compose(v -> req.response().end("defg"));
          case "/early" -> req.response().setStatusCode(413).end("too large, said before the body was read");
          case "/heartbeat" -> req.response().end();
          case "/home" -> {
            if (req.getHeader("traceparent") != null) {
              traceparents.put(name, req.getHeader("traceparent"));
            }
            if (failing.contains(name)) {
              served500.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
              req.response().setStatusCode(500).end("{\"message\":\"<Error> scripted failure\",\"status\":\"failure\"}");
            } else {
              served200.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
              req.response().putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("message", "Hello from Server: " + name).put("status", "successful").encode());
            }
          }
          case "/echo" -> {
            JsonObject headers = new JsonObject();
            // a field sent twice shows as its values joined, as a list field's are
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), headers.containsKey(e.getKey().toLowerCase())
                ? headers.getString(e.getKey().toLowerCase()) + ", " + e.getValue() : e.getValue()));
            req.response().putHeader("Content-Type", "application/json").putHeader("X-Replica", name).end(headers.encode());
          }
          default -> req.response().setStatusCode(404).end();
        }
      });
      return server.listen(0, "127.0.0.1");
    }
  }

  @Override
  public Future<Replica> start(String name, int ringId) {
    Scripted replica = new Scripted(name);
    return vertx.deployVerticle(replica).map(id -> {
      Replica r = new Replica(name, ringId, "127.0.0.1", replica.server.actualPort(), id);
      byName.put(name, r);
      return r;
    });
  }

  /** Makes replica {@code name} stop listening without telling anyone, as a crash would. */
  public Future<Void> crash(String name) {
    Replica replica = byName.get(name);
    return replica == null ? Future.failedFuture("no replica " + name) : vertx.undeploy(replica.instance());
  }

  @Override
  public Future<Void> stop(Replica replica) {
    byName.remove(replica.name());
    return vertx.deploymentIDs().contains(replica.instance()) ? vertx.undeploy(replica.instance()) : Future.succeededFuture();
  }

  @Override
  public void exitHandler(java.util.function.BiConsumer<Replica, String> handler) {
    // scripted replicas never exit on their own
  }

  @Override
  public Future<Void> close() {
    return Future.join(List.copyOf(byName.values()).stream().map(this::stop).toList()).mapEmpty();
  }
}
