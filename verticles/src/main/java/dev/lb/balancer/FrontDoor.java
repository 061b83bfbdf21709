package dev.lb.balancer;

import dev.lb.api.AdminApi;
import dev.lb.bus.ReplicaInfo;
import dev.lb.http.Replies;
import dev.lb.http1.BadMessage;
import dev.lb.http1.BodyFramer;
import dev.lb.http1.HeadParser;
import dev.lb.http1.HeadWriter;
import dev.lb.http1.KnownField;
import dev.lb.tracing.RequestTrace;
import dev.lb.http1.HttpHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of the byte relay, as a Netty handler on the channel Vert.x's {@code NetServer} accepted: it
 * reads each request's head in place ({@link HeadParser}), routes it, and relays it to a replica as its own bytes with
 * the forwarding edits spliced in ({@link ByteExchange}); requests are answered one at a time, in order (pipelined
 * ones wait, read but not parsed). What the relay does not carry itself goes, with the rest of the connection, to the
 * balancer's HTTP stack through {@link Fallback}: the admin API, upgrades (but never {@code h2c}: a request asking for
 * it goes on as an ordinary one, its {@code Upgrade} dropped), {@code Expect}, HTTP/1.0, HTTP/2 with prior knowledge,
 * and bodies, chunked or not, larger than what is kept for a retry. A chunked body the relay carries is framed whole
 * before any of it goes on, so a malformed one reaches no replica.
 */
final class FrontDoor extends ChannelInboundHandlerAdapter implements Downstream {

  private static final System.Logger LOG = System.getLogger(FrontDoor.class.getName());
  private static final AsciiString HEAD = AsciiString.cached("HEAD");
  /** The only version the relay carries itself (HTTP/1.0 goes to the stack). */
  private static final String HTTP_1_1 = "HTTP/1.1";
  // the paths of the admin API on this port ({@link AdminApi#owns})
  private static final AsciiString ADMIN_REP = AsciiString.cached("/rep");
  private static final AsciiString ADMIN_ADD = AsciiString.cached("/add");
  private static final AsciiString ADMIN_RM = AsciiString.cached("/rm");
  private static final AsciiString ADMIN_REPLICAS = AsciiString.cached(AdminApi.REPLICAS);
  /** Bytes of pipelined requests read ahead before reading pauses. */
  private static final int MAX_WAITING_BYTES = 64 * 1024;
  private static final int CHUNKS_UNFINISHED = -1;
  private static final int CHUNKS_TOO_LONG = -2;
  private static final int CHUNKS_ANSWERED = -3;
  private static final byte[] PRI = "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII);
  /** How long a closing connection goes on reading (and dropping) what the client still sends, after our side ended. */
  private static final long LINGER_MS = 1_000;

  /**
   * What every front door of one balancer instance shares; {@code headerTimeoutMs}: how long a request may take to
   * come whole (head, and a body kept for a retry) once reading it started, 0 for no bound; {@code secure}: the port
   * speaks HTTPS (the forwarding headers say so).
   */
  record Shared(Forwarder forwarder, Upstream upstream, KeySource keys, HeadParser parser, Fallback fallback,
      long headerTimeoutMs, boolean secure) { }

  private final Shared shared;
  private ChannelHandlerContext ctx;
  private HeadWriter.Client client;
  private String clientAddress;
  private ByteBuf in;
  /** Bytes that came while an exchange was under way: parsed after it, in order. */
  private ArrayDeque<ByteBuf> later;
  private int laterBytes;
  private ByteExchange current;
  private Fallback.Pipe pipe;
  /** The chunked body of the request at the start of {@code in}, as far as it came, and how much of it was framed. */
  private BodyFramer chunks;
  private int chunksFramed;
  private boolean tunnelled;
  private boolean draining;
  private boolean processing;
  /** The connection ends once what is written went out: nothing more is read. */
  private boolean closing;
  /** Armed while a request has begun to come but not whole: {@link Shared#headerTimeoutMs}. */
  private ScheduledFuture<?> headerTimer;

  FrontDoor(Shared shared) {
    this.shared = shared;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    clientAddress = remote == null ? "-" : remote.getAddress().getHostAddress();
    client = HeadWriter.Client.of(clientAddress);
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }

  @Override
  public EventExecutor executor() {
    return ctx.executor();
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void informational(HttpHead head) {
    ctx.write(HeadWriter.reply(ctx.alloc(), head, false), ctx.voidPromise());
  }

  @Override
  public void reply(HttpHead head, boolean close) {
    ctx.write(HeadWriter.reply(ctx.alloc(), head, close), ctx.voidPromise());
  }

  @Override
  public void body(ByteBuf piece) {
    ctx.write(piece, ctx.voidPromise());
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    if (tunnelled) {
      pipe.forward(bytes);
      return;
    }
    if (closing) {
      bytes.release();
      return;
    }
    if (current != null && current.bodyUnread()) {
      bytes = streamBody(bytes);
      if (bytes == null) {
        return;
      }
    }
    if (current != null || processing) {
      // pipelined: kept for after the exchange under way; reading stops only once a good deal is waiting
      if (later == null) {
        later = new ArrayDeque<>(2);
      }
      later.add(bytes);
      laterBytes += bytes.readableBytes();
      if (laterBytes > MAX_WAITING_BYTES) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    append(bytes);
    process();
  }

  /** The part of {@code bytes} that is the streamed body of the exchange under way goes to it; the rest is returned. */
  private ByteBuf streamBody(ByteBuf bytes) {
    long left = current.bodyLeftToRead();
    int n = bytes.readableBytes();
    if (n <= left) {
      current.requestBody(bytes);
      return null;
    }
    current.requestBody(bytes.retainedSlice(bytes.readerIndex(), (int) left));
    bytes.skipBytes((int) left);
    return bytes;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null) {
      current.flushRequest();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void readingBody(boolean on) {
    if (on && laterBytes > MAX_WAITING_BYTES) {
      return;
    }
    if (ctx.channel().config().isAutoRead() != on) {
      ctx.channel().config().setAutoRead(on);
    }
  }

  private void append(ByteBuf bytes) {
    if (in == null) {
      in = bytes;
    } else {
      ByteBuf all = ctx.alloc().directBuffer(in.readableBytes() + bytes.readableBytes());
      all.writeBytes(in).writeBytes(bytes);
      in.release();
      bytes.release();
      in = all;
    }
  }

  /** Parses and starts what the bytes read hold, one request at a time. */
  private void process() {
    processing = true;
    try {
      while (current == null && !tunnelled && !closing && ctx.channel().isActive()) {
        if (later != null && !later.isEmpty()) {
          ByteBuf waiting = later.poll();
          laterBytes -= waiting.readableBytes();
          append(waiting);
          continue;
        }
        if (in == null || !in.isReadable()) {
          if (in != null) {
            in.release();
            in = null;
          }
          if (draining) {
            ctx.close();
          } else {
            reading();
          }
          return;
        }
        if (!next()) {
          reading();
          awaitRest();
          return;
        }
        cancelHeaderTimer();
      }
    } finally {
      processing = false;
    }
  }

  /** A request has begun to come but not whole: it has {@link Shared#headerTimeoutMs} from now to come whole. */
  private void awaitRest() {
    if (headerTimer == null && shared.headerTimeoutMs() > 0) {
      headerTimer = ctx.executor().schedule(this::headerTimedOut, shared.headerTimeoutMs(), TimeUnit.MILLISECONDS);
    }
  }

  private void cancelHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
  }

  private void headerTimedOut() {
    headerTimer = null;
    if (current != null || tunnelled || closing || !ctx.channel().isActive()) {
      return;
    }
    LOG.log(Level.DEBUG, "{0}: a request did not come whole within {1} ms; closing", clientAddress,
        shared.headerTimeoutMs());
    shared.forwarder().metrics().answered(408);
    respond(408, "<Error> Request not received within " + shared.headerTimeoutMs() + " ms", true, false);
  }

  /** Starts the request at the start of {@code in}: false if it has not come whole yet. */
  private boolean next() {
    // an empty line before a request line is ignored (RFC 9112 §2.2)
    while (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r' && in.getByte(in.readerIndex() + 1) == '\n') {
      in.skipBytes(2);
    }
    if (!in.isReadable()) {
      return true;
    }
    if (startsWith(in, PRI)) {
      tunnel();
      return true;
    }
    HttpHead head;
    try {
      head = shared.parser().request(in, in.readerIndex());
    } catch (BadMessage e) {
      reject(e);
      return true;
    }
    if (head == null) {
      return false;
    }
    Forwarder.Options options = shared.forwarder().options();
    long length = head.contentLength();
    if (handledElsewhere(head, options)) {
      tunnel();
      return true;
    }
    if (options.bodyLimit() > 0 && length > options.bodyLimit()) {
      in.readerIndex(in.writerIndex());
      answer(head, 413, ProxyFailure.BODY_TOO_LARGE.message(head.path(), String.valueOf(options.bodyLimit())), true);
      return true;
    }
    if (length > options.retryBodyBytes()) {
      stream(head, options);
      return true;
    }
    int body;
    if (head.framing() == HttpHead.Framing.CHUNKED) {
      body = chunked(head, options);
      if (body == CHUNKS_UNFINISHED) {
        return false;
      }
      if (body == CHUNKS_TOO_LONG) {
        tunnel();
        return true;
      }
      if (body < 0) {
        return true;
      }
    } else {
      body = (int) Math.max(length, 0);
      if (in.readableBytes() < head.length() + body) {
        return false;
      }
    }
    in.readerIndex(head.end() + body);
    long key = shared.keys().keyOf(head, clientAddress);
    ReplicaInfo target = shared.forwarder().pick(key, id -> true);
    boolean close = head.closes() || draining;
    if (target == null) {
      answer(head, 503, ProxyFailure.NO_REPLICA.message(head.path(), ""), close);
      return true;
    }
    RequestTrace trace = trace(head, key);
    ByteBuf request = HeadWriter.request(ctx.alloc(), head, client, shared.secure(), options.trustForwarded(), trace);
    if (body > 0) {
      request.writeBytes(in, head.end(), body);
    }
    current = new ByteExchange(this, shared.forwarder(), shared.upstream(), head, request, key,
        Forwarder.idempotent(head.method()), head.methodIs(HEAD), close, HTTP_1_1, trace);
    current.start(target);
    return true;
  }

  private RequestTrace trace(HttpHead head, long key) {
    return shared.forwarder().trace(RequestTrace.HEAD, head, head.value(KnownField.X_REQUEST_ID.name), head.method(),
        head.path(), HTTP_1_1, clientAddress, key);
  }

  /**
   * Starts the request at the start of {@code in}, whose body is longer than a retry keeps: its head and what came of
   * its body go on at once, the rest as it comes, with back-pressure both ways; it is tried on one replica only.
   */
  private void stream(HttpHead head, Forwarder.Options options) {
    long key = shared.keys().keyOf(head, clientAddress);
    ReplicaInfo target = shared.forwarder().pick(key, id -> true);
    if (target == null) {
      in.readerIndex(in.writerIndex());
      answer(head, 503, ProxyFailure.NO_REPLICA.message(head.path(), ""), true);
      return;
    }
    int first = (int) Math.min(head.contentLength(), in.readableBytes() - head.length());
    RequestTrace trace = trace(head, key);
    ByteBuf request = HeadWriter.request(ctx.alloc(), head, client, shared.secure(), options.trustForwarded(), trace);
    request.writeBytes(in, head.end(), first);
    in.readerIndex(head.end() + first);
    current = new ByteExchange(this, shared.forwarder(), shared.upstream(), head, request, key, false,
        head.methodIs(HEAD), head.closes() || draining, HTTP_1_1, trace);
    current.startStreaming(target, head.contentLength() - first);
  }

  /**
   * How long the chunked body after {@code head} is, framing and all ({@link BodyFramer}), once it came whole; while it
   * has not, {@link #CHUNKS_UNFINISHED}, or {@link #CHUNKS_TOO_LONG} once it is more than a retry keeps (the stack
   * streams it); a body over the limit is answered 413, and a malformed one 400 (both {@link #CHUNKS_ANSWERED}), the
   * connection closed. What was framed already is not framed again when more comes.
   */
  private int chunked(HttpHead head, Forwarder.Options options) {
    if (chunks == null) {
      chunks = BodyFramer.of(head, shared.upstream().maxTrailer);
      chunksFramed = 0;
    }
    try {
      chunksFramed += chunks.feed(in, head.end() + chunksFramed, in.writerIndex());
    } catch (BadMessage e) {
      chunks = null;
      reject(e);
      return CHUNKS_ANSWERED;
    }
    if (options.bodyLimit() > 0 && chunksFramed > options.bodyLimit()) {
      chunks = null;
      in.readerIndex(in.writerIndex());
      answer(head, 413, ProxyFailure.BODY_TOO_LARGE.message(head.path(), String.valueOf(options.bodyLimit())), true);
      return CHUNKS_ANSWERED;
    }
    if (chunks.done()) {
      chunks = null;
      return chunksFramed;
    }
    if (chunksFramed > options.retryBodyBytes()) {
      chunks = null;
      return CHUNKS_TOO_LONG;
    }
    return CHUNKS_UNFINISHED;
  }

  /** Reading goes on, if it had stopped (toggling it costs a system call: only done when needed). */
  private void reading() {
    if (!ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * What the relay leaves to the HTTP stack behind it; a target not in origin form (absolute, or {@code *}) too, so
   * that {@code GET http://host/rm} is the admin API's as {@code GET /rm} is.
   */
  private static boolean handledElsewhere(HttpHead head, Forwarder.Options options) {
    return !head.http11() || !head.originForm() || (head.upgrade() && !head.h2c()) || head.expect()
        || head.pathIs(ADMIN_REP) || head.pathIs(ADMIN_ADD) || head.pathIs(ADMIN_RM)
        || head.pathUnder(ADMIN_REPLICAS);
  }

  private static boolean startsWith(ByteBuf buf, byte[] prefix) {
    if (buf.readableBytes() < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (buf.getByte(buf.readerIndex() + k) != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  private void tunnel() {
    tunnelled = true;
    cancelHeaderTimer();
    ByteBuf rest = in;
    in = null;
    ctx.channel().config().setAutoRead(false);
    pipe = shared.fallback().open(ctx, rest, later);
    later = null;
    laterBytes = 0;
  }

  /** A request that breaks RFC 9112: answered, and the connection closed, since where the next one starts is unknown. */
  private void reject(BadMessage e) {
    LOG.log(Level.DEBUG, "{0}: a malformed request ({1}); closing", clientAddress, e.getMessage());
    String message = switch (e.status) {
      case 414 -> "<Error> Request line too long";
      case 431 -> "<Error> Request headers too large";
      default -> "<Error> Malformed HTTP request: " + e.getMessage();
    };
    in.readerIndex(in.writerIndex());
    respond(e.status, message, true, false);
  }

  private void answer(HttpHead head, int status, String message, boolean close) {
    shared.forwarder().accessLog().answered(clientAddress, head.method(), head.target(), "HTTP/1.1", status);
    shared.forwarder().metrics().answered(status);
    respond(status, message, close, head.methodIs(HEAD));
  }

  /**
   * Writes a reply in the API's shape; {@code close}: the connection ends after it; {@code toHead}: the request was a
   * HEAD, so the reply has the body's length but not the body.
   */
  private void respond(int status, String message, boolean close, boolean toHead) {
    respond(status, message, close, toHead, 0);
  }

  /** {@code retryAfterS}: the {@code Retry-After} a refusal for overload gives; 0: none. */
  private void respond(int status, String message, boolean close, boolean toHead, long retryAfterS) {
    byte[] body = Replies.failureBody(message).getBytes();
    String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\ncontent-type: application/json\r\ncontent-length: "
        + body.length + (retryAfterS > 0 ? "\r\nretry-after: " + retryAfterS : "")
        + (close ? "\r\nconnection: close" : "") + "\r\n\r\n";
    ByteBuf out = ctx.alloc().directBuffer(head.length() + (toHead ? 0 : body.length));
    ByteBufUtil.writeAscii(out, head);
    if (!toHead) {
      out.writeBytes(body);
    }
    if (close) {
      closeAfter(out);
    } else {
      ctx.writeAndFlush(out, ctx.voidPromise());
    }
  }

  /**
   * Ends the connection after {@code last} went out, in stages (RFC 9112 §9.6): our side of it first, then, once what
   * the client was still sending had a moment to arrive and be dropped, the socket; closing at once could make the
   * client's system reset the connection and throw away the reply before it was read.
   */
  private void closeAfter(ByteBuf last) {
    closing = true;
    releaseAll();
    ctx.writeAndFlush(last).addListener(written -> {
      if (!written.isSuccess() || !ctx.channel().isActive()) {
        ctx.close();
        return;
      }
      // over TLS, our side ends with its close_notify, which the client reads as the end of the stream
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      if (tls != null) {
        tls.closeOutbound().addListener(shut -> linger());
      } else if (ctx.channel() instanceof DuplexChannel duplex) {
        duplex.shutdownOutput().addListener(shut -> linger());
      } else {
        ctx.close();
      }
    });
  }

  private void linger() {
    ctx.channel().config().setAutoRead(true);
    ctx.executor().schedule(() -> ctx.close(), LINGER_MS, TimeUnit.MILLISECONDS);
  }

  private static String reason(int status) {
    return io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
  }

  @Override
  public void failure(ByteExchange ex, int status, String message, boolean close, long retryAfterS) {
    if (ex != current) {
      return;
    }
    current = null;
    boolean ends = close || draining || ex.bodyUnread();
    respond(status, message, ends, ex.toHead(), retryAfterS);
    if (!ends && !processing) {
      process();
    }
  }

  @Override
  public void broken(ByteExchange ex) {
    ended(ex, true);
  }

  @Override
  public void ended(ByteExchange ex, boolean close) {
    if (ex != current) {
      return;
    }
    current = null;
    if (close || draining || ex.bodyUnread()) {
      // a body the client is still sending is read no further: the connection ends with the reply
      closeAfter(io.netty.buffer.Unpooled.EMPTY_BUFFER);
      return;
    }
    ctx.flush();
    if (!processing) {
      process();
    }
  }

  /** The balancer stops: the connection closes once the request under way, if any, was answered. */
  void drain() {
    draining = true;
    if (current == null && !tunnelled && ctx.channel().isActive()) {
      ctx.close();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      if (current != null) {
        current.resume();
      }
      if (tunnelled) {
        pipe.writable();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      ByteExchange ex = current;
      current = null;
      ex.clientGone();
    }
    if (tunnelled) {
      pipe.clientClosed();
    }
    releaseAll();
    ctx.fireChannelInactive();
  }

  private void releaseAll() {
    cancelHeaderTimer();
    if (in != null) {
      in.release();
      in = null;
    }
    if (later != null) {
      later.forEach(ByteBuf::release);
      later = null;
      laterBytes = 0;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.DEBUG, "client connection {0} failed: {1}", clientAddress, cause.toString());
    ctx.close();
  }
}
