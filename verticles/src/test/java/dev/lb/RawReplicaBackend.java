package dev.lb;

import dev.lb.replica.Replica;
import dev.lb.replica.ReplicaBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replicas (in unit tests) that answer with bytes of the test's choosing, framing errors included, which no HTTP
 * server would send: {@code GET /raw/<name>?split=<k>} is answered with {@code replies.get(name)}, written in two
 * pieces 2 ms apart, the first {@code k} bytes long. {@code /heartbeat} and anything else get a well-formed 200.
 * Each request line is counted in {@link #hits}. The request heads are read; requests with bodies are not supported.
 */
public final class RawReplicaBackend implements ReplicaBackend {

  private static final byte[] OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

  private final Vertx vertx;
  private final Map<String, byte[]> replies;
  private final Map<String, NetServer> servers = new ConcurrentHashMap<>();
  /** Requests seen, by path (without the query). */
  public final Map<String, AtomicLong> hits = new ConcurrentHashMap<>();

  public RawReplicaBackend(Vertx vertx, Map<String, byte[]> replies) {
    this.vertx = vertx;
    this.replies = replies;
  }

  @Override
  public Future<Replica> start(String name, int ringId) {
    NetServer server = vertx.createNetServer().connectHandler(this::serve);
    return server.listen(0, "127.0.0.1").map(s -> {
      servers.put(name, s);
      return new Replica(name, ringId, "127.0.0.1", s.actualPort(), name);
    });
  }

  private void serve(NetSocket socket) {
    Buffer[] in = {Buffer.buffer()};
    socket.handler(bytes -> {
      in[0].appendBuffer(bytes);
      String text = in[0].toString(StandardCharsets.ISO_8859_1);
      int end;
      while ((end = text.indexOf("\r\n\r\n")) >= 0) {
        String line = text.substring(0, text.indexOf("\r\n"));
        text = text.substring(end + 4);
        answer(socket, line.split(" ")[1]);
      }
      in[0] = Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1));
    });
  }

  private void answer(NetSocket socket, String target) {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    hits.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
    byte[] reply = path.startsWith("/raw/") ? replies.get(path.substring(5)) : null;
    if (reply == null) {
      socket.write(Buffer.buffer(OK));
      return;
    }
    int split = query < 0 ? reply.length : Math.min(reply.length, Integer.parseInt(target.substring(query + 7)));
    socket.write(Buffer.buffer(java.util.Arrays.copyOfRange(reply, 0, split)));
    vertx.setTimer(2, t -> socket.write(Buffer.buffer(java.util.Arrays.copyOfRange(reply, split, reply.length))));
  }

  @Override
  public Future<Void> stop(Replica replica) {
    NetServer server = servers.remove(replica.name());
    return server == null ? Future.succeededFuture() : server.close();
  }

  @Override
  public void exitHandler(java.util.function.BiConsumer<Replica, String> handler) {
    // these replicas never exit on their own
  }

  @Override
  public Future<Void> close() {
    return Future.join(List.copyOf(servers.values()).stream().map(NetServer::close).toList()).mapEmpty();
  }
}
