package dev.lb.tracing;

import dev.lb.http1.HeadEdits;
import dev.lb.http1.HttpHead;
import dev.lb.http1.KnownField;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What follows one request: its {@code X-Request-Id} (the client's, or one made here) and, with tracing on, its span
 * (kind server, the client's trace context its parent) and a span per attempt (kind client), whose context is the
 * {@code traceparent} the replica gets: written into the request's head once, and rewritten in place for each try.
 * Confined to the request's event loop.
 */
public final class RequestTrace implements HeadEdits {

  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.version");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("lb.request_id");
  static final AttributeKey<String> KEY_SOURCE = AttributeKey.stringKey("lb.key.source");
  static final AttributeKey<Long> SLOT = AttributeKey.longKey("lb.slot");
  static final AttributeKey<Long> TRIES = AttributeKey.longKey("lb.tries");
  static final AttributeKey<String> END = AttributeKey.stringKey("lb.end");
  static final AttributeKey<Long> BYTES_IN = AttributeKey.longKey("lb.bytes_in");
  static final AttributeKey<Long> BYTES_OUT = AttributeKey.longKey("lb.bytes_out");
  static final AttributeKey<String> REPLICA = AttributeKey.stringKey("lb.replica");
  static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<Long> TRY = AttributeKey.longKey("lb.try");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("lb.outcome");

  private static final byte[] X_REQUEST_ID = "x-request-id: ".getBytes(StandardCharsets.US_ASCII);
  private static final String TRACEPARENT = "traceparent";

  private final Tracing tracing;
  private final String requestId;
  private final boolean idGiven;
  private final Span span;
  private final Context context;
  private Span attempt;
  private int tries;
  private long bytesOut;
  /** Where the {@code traceparent} value stands in the request's head, or -1 (not written). */
  private int traceparentAt = -1;
  private int traceparentLength;
  private boolean ended;

  private RequestTrace(Tracing tracing, String requestId, boolean idGiven, Span span, Context context) {
    this.tracing = tracing;
    this.requestId = requestId;
    this.idGiven = idGiven;
    this.span = span;
    this.context = context;
  }

  /**
   * Begins following a request whose fields {@code getter} reads from {@code carrier}: {@code requestId} is the
   * client's {@code X-Request-Id}, or null (one is made).
   */
  public static <C> RequestTrace begin(Tracing tracing, TextMapGetter<C> getter, C carrier, String requestId,
      String method, String path, String protocol, String client) {
    boolean given = requestId != null && !requestId.isEmpty();
    String id = given ? requestId : newId();
    if (!tracing.on()) {
      return new RequestTrace(tracing, id, given, Span.getInvalid(), null);
    }
    Context parent = tracing.propagator.extract(Context.root(), carrier, getter);
    Span span = tracing.tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER).startSpan();
    if (span.isRecording()) {
      span.setAttribute(METHOD, method).setAttribute(PATH, path).setAttribute(PROTOCOL, protocol)
          .setAttribute(CLIENT, client).setAttribute(REQUEST_ID, id);
    }
    return new RequestTrace(tracing, id, given, span, parent.with(span));
  }

  /** A request id as {@code X-Request-Id} carries one: a random UUID (not a secret: a fast random source). */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID((random.nextLong() & ~0xf000L) | 0x4000L, (random.nextLong() & ~(3L << 62)) | (1L << 63))
        .toString();
  }

  public String requestId() {
    return requestId;
  }

  /** The trace id, or null (tracing off). */
  public String traceId() {
    return context == null ? null : span.getSpanContext().getTraceId();
  }

  /** What decided the key: the key's source and the ring's slot it fell in. */
  public void keyed(String source, int slot) {
    if (span.isRecording()) {
      span.setAttribute(KEY_SOURCE, source).setAttribute(SLOT, (long) slot);
    }
  }

  @Override
  public boolean drops(KnownField kind) {
    // the client's trace context goes on as this request's (its parent there); no tracing: it passes as it came. An
    // empty request id is replaced by one made here
    return (context != null && (kind == KnownField.TRACEPARENT || kind == KnownField.TRACESTATE))
        || (kind == KnownField.X_REQUEST_ID && !idGiven);
  }

  @Override
  public void append(ByteBuf out) {
    if (!idGiven) {
      out.writeBytes(X_REQUEST_ID);
      ByteBufUtil.writeAscii(out, requestId);
      out.writeByte('\r').writeByte('\n');
    }
    if (context != null) {
      tracing.injector.inject(context, out, (TextMapSetter<ByteBuf>) (buf, name, value) -> {
        ByteBufUtil.writeAscii(buf, name);
        buf.writeByte(':').writeByte(' ');
        if (TRACEPARENT.equals(name)) {
          traceparentAt = buf.writerIndex();
          traceparentLength = value.length();
        }
        ByteBufUtil.writeAscii(buf, value);
        buf.writeByte('\r').writeByte('\n');
      });
    }
  }

  /** The same fields, for a head written as text (the HTTP stack's); positions count from the head's start. */
  public void appendTo(StringBuilder head) {
    if (!idGiven) {
      head.append("x-request-id: ").append(requestId).append("\r\n");
    }
    if (context != null) {
      tracing.injector.inject(context, head, (TextMapSetter<StringBuilder>) (text, name, value) -> {
        text.append(name).append(": ");
        if (TRACEPARENT.equals(name)) {
          traceparentAt = text.length();
          traceparentLength = value.length();
        }
        text.append(value).append("\r\n");
      });
    }
  }

  /**
   * Try {@code no} begins on {@code replica} at {@code host}:{@code port}: its span starts, and {@code request} (whose
   * head this trace's fields were written into) carries its context from now on.
   */
  public void attempt(ByteBuf request, String replica, String host, int port, int no) {
    if (context == null) {
      return;
    }
    tries = no;
    attempt = tracing.tracer.spanBuilder("attempt").setParent(context).setSpanKind(SpanKind.CLIENT).startSpan();
    if (attempt.isRecording()) {
      attempt.setAttribute(REPLICA, replica).setAttribute(SERVER, host).setAttribute(PORT, (long) port)
          .setAttribute(TRY, (long) no);
    }
    if (traceparentAt >= 0) {
      tracing.injector.inject(context.with(attempt), request, (TextMapSetter<ByteBuf>) (buf, name, value) -> {
        if (TRACEPARENT.equals(name) && value.length() == traceparentLength) {
          buf.setCharSequence(traceparentAt, value, StandardCharsets.US_ASCII);
        }
      });
    }
  }

  /** The try under way ended as {@code outcome} (a status, or why it failed); {@code status} 0 if none came. */
  public void tried(String outcome, int status) {
    if (attempt == null) {
      return;
    }
    if (attempt.isRecording()) {
      attempt.setAttribute(OUTCOME, outcome);
      if (status > 0) {
        attempt.setAttribute(STATUS, (long) status);
      }
      if (status == 0 || status >= 500) {
        attempt.setStatus(StatusCode.ERROR, outcome);
      }
    }
    attempt.end();
    attempt = null;
  }

  /** Bytes of the reply went on to the client. */
  public void sent(long bytes) {
    bytesOut += bytes;
  }

  /** The request ended as {@code end}, answered {@code status} (0: none), having brought {@code bytesIn}. */
  public void end(String end, int status, long bytesIn) {
    if (context == null || ended) {
      return;
    }
    ended = true;
    if (attempt != null) {
      tried(end, 0);
    }
    if (span.isRecording()) {
      span.setAttribute(END, end).setAttribute(TRIES, (long) tries).setAttribute(BYTES_IN, bytesIn)
          .setAttribute(BYTES_OUT, bytesOut);
      if (status > 0) {
        span.setAttribute(STATUS, (long) status);
      }
      if (status == 0 || status >= 500) {
        span.setStatus(StatusCode.ERROR, end);
      }
    }
    span.end();
  }

  /** Reads a trace context from a relayed head. */
  public static final TextMapGetter<HttpHead> HEAD = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpHead carrier) {
      return List.of();
    }

    @Override
    public String get(HttpHead carrier, String key) {
      return carrier == null ? null : carrier.value(key);
    }
  };
}
