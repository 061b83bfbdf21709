package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import dev.lb.http.AccessEntry;
import dev.lb.http.Replies;
import dev.lb.http1.BadMessage;
import dev.lb.http1.BodyFramer;
import dev.lb.http1.HttpHead;
import dev.lb.http1.KnownField;
import dev.lb.tracing.RequestTrace;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A request of the balancer's HTTP stack (HTTP/2, HTTP/1.0, {@code Expect}, a target in absolute form, a chunked body
 * longer than a retry keeps) sent through the same {@link Upstream} as the byte relay's: its head written once as
 * HTTP/1.1 with the forwarding edits ({@link Forwarder#copyHeaders}), its body kept whole for a retry or streamed
 * (chunked, when its length is unknown), and the reply read by the relay's {@link UpstreamConnection} and passed on
 * through Vert.x's response, its body taken out of any chunked framing. So retries, the pool, outlier reports, overload
 * protection, the access log and the metrics are the {@link ByteExchange}'s, whichever way a client came.
 */
final class StackDoor implements Downstream {

  private static final System.Logger LOG = System.getLogger(StackDoor.class.getName());
  private static final byte[] CRLF = {'\r', '\n'};
  private static final String X_REQUEST_ID = "X-Request-Id";
  /** Reads a trace context from the stack's request. */
  private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap carrier) {
      return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Forwarder forwarder;
  private final HttpServerRequest req;
  private final HttpServerResponse out;
  private final boolean secure;
  private final long key;
  private final ContextInternal context;
  private final EventExecutor executor;
  private final String clientAddress;
  private ByteExchange exchange;
  /** The request's head as it goes on, read back (on the heap, not the request's buffer, which is released first). */
  private HttpHead parsed;
  /** The request's id and spans, begun as its head is written. */
  private RequestTrace trace;
  /** Takes the reply's body out of its chunks (HTTP/2 and Vert.x frame it their own way), or null: it is data. */
  private BodyFramer unchunk;
  private boolean drainHandlerSet;
  /** Whether the client is still sending a body that streams on: its reading follows the replica's connection. */
  private boolean bodyPending;
  /** Whether the exchange last asked for the client's body to be read (applied once the body's handlers are set). */
  private boolean reading = true;
  private boolean handlersSet;
  /** Whether the client's HTTP/1 connection ends after this reply: asked to, or the reply's end is its close. */
  private boolean closeAfter;
  /** Whether the client's HTTP/1 request asked for its connection to end with the reply. */
  private boolean clientCloses;

  StackDoor(Forwarder forwarder, HttpServerRequest req, boolean secure, long key) {
    this.forwarder = forwarder;
    this.req = req;
    this.out = req.response();
    this.secure = secure;
    this.key = key;
    this.context = (ContextInternal) Vertx.currentContext();
    this.executor = context.nettyEventLoop();
    this.clientAddress = req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress();
  }

  /**
   * Sends the request, its body of {@code length} bytes (-1: unknown) read as it must be, to the replica the ring picks
   * once it can go.
   */
  void start(long length) {
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT)) && req.version() != HttpVersion.HTTP_1_0) {
      // the balancer takes the body (it checked its length already): the replica is not asked
      out.writeContinue();
    }
    int keep = forwarder.options().retryBodyBytes();
    if (length == 0 && req.version() == HttpVersion.HTTP_2) {
      // HTTP/2 frames a body without a Content-Length: whether there is one is known once its HEADERS frame is read
      Http2Body.settle(context.owner(), req, (read, complete) -> {
        if (complete) {
          whole(read == null ? Buffer.buffer() : read);
        } else {
          bodyPending = true;
          stream(-1, read);
        }
      });
    } else if (length == 0) {
      whole(Buffer.buffer());
    } else if (length > 0 && length <= keep) {
      req.body().onSuccess(this::whole).onFailure(this::badBody);
    } else {
      req.pause();
      bodyPending = true;
      stream(length, null);
    }
  }

  /** The body came whole: it is kept, and the request goes to the replica the ring picks now. */
  private void whole(Buffer body) {
    ByteBuf request = request(body.length());
    if (request == null) {
      return;
    }
    request.writeBytes(((BufferInternal) body).getByteBuf());
    ReplicaInfo target = target(request);
    if (target != null) {
      exchange.start(target);
    }
  }

  /** The body streams to one replica ({@code length} -1: chunked on its way), {@code early} (or null) first. */
  private void stream(long length, Buffer early) {
    ByteBuf request = request(length);
    ReplicaInfo target = request == null ? null : target(request);
    if (target == null) {
      return;
    }
    boolean chunked = length < 0;
    exchange.startStreaming(target, chunked ? ByteExchange.UNTIL_ENDED : length);
    if (early != null && early.length() > 0) {
      piece(early, chunked);
    }
    req.handler(piece -> piece(piece, chunked));
    req.endHandler(v -> {
      bodyPending = false;
      if (chunked) {
        exchange.requestBody(alloc().directBuffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK));
        exchange.requestBodyEnded();
      }
      exchange.flushRequest();
    });
    req.exceptionHandler(err -> LOG.log(Level.DEBUG, "{0} {1}: the request''s body broke off: {2}", req.method(),
        req.path(), err.toString()));
    handlersSet = true;
    readingBody(reading);
  }

  /**
   * The replica the ring picks now for the exchange of {@code request} (made here), or null: answered 503 (no
   * replica), and {@code request} released.
   */
  private ReplicaInfo target(ByteBuf request) {
    ReplicaInfo target = forwarder.pick(key, id -> true);
    if (target == null) {
      request.release();
      answer(ProxyFailure.NO_REPLICA.status, ProxyFailure.NO_REPLICA.message(req.path(), ""), false);
      return null;
    }
    boolean http1 = req.version() != HttpVersion.HTTP_2;
    boolean close = http1 && (req.version() == HttpVersion.HTTP_1_0 ? !req.headers().contains(HttpHeaders.CONNECTION,
        HttpHeaders.KEEP_ALIVE, true) : req.headers().contains(HttpHeaders.CONNECTION, HttpHeaders.CLOSE, true));
    clientCloses = close;
    exchange = new ByteExchange(this, forwarder, forwarder.upstream(), parsed, request, key,
        Forwarder.idempotent(req.method()), req.method() == HttpMethod.HEAD, close, protocol(req.version()), trace);
    out.closeHandler(v -> exchange.clientGone());
    out.exceptionHandler(err -> exchange.clientGone());
    return target;
  }

  private void piece(Buffer piece, boolean chunked) {
    if (piece.length() == 0) {
      // nothing to pass on: chunked, an empty piece would read as the body's last chunk
      return;
    }
    ByteBuf bytes = alloc().directBuffer(piece.length() + (chunked ? 20 : 0));
    if (chunked) {
      ByteBufUtil.writeAscii(bytes, Integer.toHexString(piece.length()));
      bytes.writeBytes(CRLF);
    }
    bytes.writeBytes(((BufferInternal) piece).getByteBuf());
    if (chunked) {
      bytes.writeBytes(CRLF);
    }
    exchange.requestBody(bytes);
    exchange.flushRequest();
  }

  /**
   * The request as it goes to a replica, its head written now (HTTP/1.1, the forwarding edits, {@code Host}, and the
   * body's framing: {@code length} bytes, or chunked if -1), its body to follow. Null
   * if it is not one a replica may get: answered 400 here.
   */
  private ByteBuf request(long length) {
    MultiMap headers = HttpHeaders.headers();
    forwarder.copyHeaders(req, secure, headers);
    headers.remove(HttpHeaders.CONTENT_LENGTH).remove(HttpHeaders.TRANSFER_ENCODING).remove(HttpHeaders.EXPECT);
    trace = forwarder.trace(HEADERS, req.headers(), req.getHeader(X_REQUEST_ID), req.method().name(), req.path(),
        protocol(req.version()), clientAddress, key);
    if (trace.drops(KnownField.TRACEPARENT)) {
      headers.remove(KnownField.TRACEPARENT.name).remove(KnownField.TRACESTATE.name);
    }
    if (trace.drops(KnownField.X_REQUEST_ID)) {
      headers.remove(KnownField.X_REQUEST_ID.name);
    }
    if (!headers.contains(HttpHeaders.HOST)) {
      // HTTP/2's authority stands for it; an HTTP/1.0 client may have sent none: the address it reached stands in
      headers.set(HttpHeaders.HOST, req.authority() != null ? req.authority().toString()
          : req.localAddress() == null ? "localhost" : req.localAddress().hostAddress() + ":" + req.localAddress().port());
    }
    StringBuilder head = new StringBuilder(256).append(req.method().name()).append(' ').append(req.uri())
        .append(" HTTP/1.1\r\n");
    boolean clean = fits(req.uri());
    for (Map.Entry<String, String> field : headers) {
      clean &= fits(field.getKey()) && fits(field.getValue());
      head.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
    }
    trace.appendTo(head);
    if (length < 0) {
      head.append("transfer-encoding: chunked\r\n");
    } else if (length > 0 || req.method() == HttpMethod.POST || req.method() == HttpMethod.PUT) {
      head.append("content-length: ").append(length).append("\r\n");
    }
    byte[] bytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    try {
      // read back as the relay reads a client's head: what the exchange and the access log know of it
      parsed = clean ? forwarder.parser().request(Unpooled.wrappedBuffer(bytes), 0) : null;
    } catch (BadMessage e) {
      LOG.log(Level.DEBUG, "{0} {1}: not a request a replica may get: {2}", req.method(), req.path(), e.getMessage());
      parsed = null;
    }
    if (parsed == null) {
      answer(400, "<Error> Malformed HTTP request", true);
      return null;
    }
    return alloc().directBuffer(bytes.length + (int) Math.max(0, Math.min(length, 64 * 1024))).writeBytes(bytes);
  }

  /** Whether {@code text} can stand in a request line or a field line as it is: no CR, LF or NUL (no field injected). */
  private static boolean fits(String text) {
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  /** The version as a request line writes it. */
  static String protocol(HttpVersion version) {
    return switch (version) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_2 -> "HTTP/2.0";
      default -> "HTTP/1.1";
    };
  }

  private void badBody(Throwable err) {
    LOG.log(Level.DEBUG, "{0} {1}: the request''s body could not be read: {2}", req.method(), req.path(), err.toString());
    answer(ProxyFailure.BAD_BODY.status, ProxyFailure.BAD_BODY.message(req.path(), ""), true);
  }

  private void answer(int status, String message, boolean close) {
    if (trace != null && exchange == null) {
      trace.end(AccessEntry.End.REFUSED.json(), status, 0);
    }
    forwarder.accessLog().answered(clientAddress, req.method().name(), req.uri(), protocol(req.version()), status);
    forwarder.metrics().answered(status);
    failure(null, status, message, close, 0);
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }

  @Override
  public EventExecutor executor() {
    return executor;
  }

  @Override
  public ByteBufAllocator alloc() {
    return ByteBufAllocator.DEFAULT;
  }

  @Override
  public void informational(HttpHead head) {
    // Vert.x writes a 1xx of its own making only (100 Continue, 103 Early Hints): a replica's is not passed on
  }

  @Override
  public void reply(HttpHead head, boolean close) {
    if (out.closed()) {
      return;
    }
    out.setStatusCode(head.status());
    MultiMap headers = out.headers();
    for (int f = 0; f < head.fieldCount(); f++) {
      KnownField kind = head.kind(f);
      if ((kind != null && (kind.hopByHop || kind == KnownField.CONTENT_LENGTH || kind == KnownField.TRANSFER_ENCODING))
          || (kind == null && head.connectionNamed(f))) {
        // the body is framed anew for this client (unchunked here; HTTP/2 frames it itself)
        continue;
      }
      headers.add(head.name(f), head.value(f));
    }
    boolean http1 = req.version() != HttpVersion.HTTP_2;
    if (head.contentLength() >= 0) {
      headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(head.contentLength()));
    } else if (http1 && head.framing() != HttpHead.Framing.NONE) {
      if (req.version() == HttpVersion.HTTP_1_0) {
        // no chunks in HTTP/1.0: the body ends where the connection does
        closeAfter = true;
      } else {
        out.setChunked(true);
      }
    }
    // (a replica's reply that ends at its close is framed anew here: the client's connection need not end for it)
    if ((clientCloses || bodyPending) && http1) {
      // asked for, or the client is still sending a body no one reads now: nothing after it can be told apart
      headers.set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      closeAfter = true;
    }
    unchunk = head.framing() == HttpHead.Framing.CHUNKED ? BodyFramer.of(head, Integer.MAX_VALUE) : null;
    if (!drainHandlerSet) {
      drainHandlerSet = true;
      out.drainHandler(v -> exchange.resume());
    }
  }

  @Override
  public void body(ByteBuf piece) {
    try {
      if (out.closed()) {
        return;
      }
      if (unchunk == null) {
        write(piece, piece.readerIndex(), piece.readableBytes());
      } else {
        unchunk.feed(piece, piece.readerIndex(), piece.writerIndex(), this::write);
      }
    } finally {
      piece.release();
    }
  }

  /** Data of the reply's body, copied: Vert.x keeps what it writes on its heap. */
  private void write(ByteBuf buf, int index, int length) {
    byte[] data = new byte[length];
    buf.getBytes(index, data);
    out.write(Buffer.buffer(data));
  }

  @Override
  public boolean writable() {
    return !out.writeQueueFull();
  }

  @Override
  public void flush() {
    // Vert.x's response flushes what it writes
  }

  @Override
  public void readingBody(boolean on) {
    reading = on;
    if (!bodyPending || !handlersSet) {
      // read whole already (an ended request can no longer be paused), or read once the body's handlers are set
      return;
    }
    if (on) {
      req.resume();
    } else {
      req.pause();
    }
  }

  @Override
  public void failure(ByteExchange ex, int status, String message, boolean close, long retryAfterS) {
    if (out.closed() || out.headWritten()) {
      return;
    }
    if (retryAfterS > 0) {
      out.putHeader("Retry-After", String.valueOf(retryAfterS));
    }
    if ((close || bodyPending) && req.version() != HttpVersion.HTTP_2) {
      out.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      closeAfter = true;
    }
    settle(Replies.failure(out, status, message));
  }

  @Override
  public void ended(ByteExchange ex, boolean close) {
    if (!out.closed()) {
      settle(out.end());
    }
  }

  /**
   * Once the reply went out ({@code end}): a client still sending a body it no longer needs is stopped (its HTTP/2
   * stream reset with NO_ERROR, RFC 9113 §8.1; its HTTP/1 connection closed, as nothing after that body can be read),
   * and an HTTP/1 connection that was to close after this reply is closed (Vert.x keeps it open for a client that
   * asked for keep-alive).
   */
  private void settle(Future<Void> end) {
    boolean abandoned = bodyPending;
    if (!abandoned && !closeAfter) {
      return;
    }
    bodyPending = false;
    req.handler(null);
    end.onComplete(v -> {
      if (req.version() == HttpVersion.HTTP_2) {
        out.reset(0);
      } else {
        req.connection().close();
      }
    });
  }

  @Override
  public void broken(ByteExchange ex) {
    if (!out.closed()) {
      out.reset();
    }
  }
}
