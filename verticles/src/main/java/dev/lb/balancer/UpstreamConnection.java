package dev.lb.balancer;

import dev.lb.http1.BadMessage;
import dev.lb.http1.BodyFramer;
import dev.lb.http1.HeadParser;
import dev.lb.http1.HttpHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger.Level;

/**
 * One keep-alive connection to a replica, as a Netty handler on it: it sends an exchange's request, reads the reply's
 * head in place and passes the reply on to the client as the bytes it came in, counting where its body ends; then it
 * goes back to the {@link Upstream} pool, unless the reply closed it or broke its framing. One exchange at a time.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

  private static final System.Logger LOG = System.getLogger(UpstreamConnection.class.getName());

  /** Where the connection is. */
  enum Stage { IDLE, AWAITING_HEAD, RELAYING_BODY, CLOSED }

  final String address;
  private final Upstream upstream;
  private final HeadParser parser;
  private ChannelHandlerContext ctx;
  private Stage stage = Stage.IDLE;
  private boolean leftPool;
  private ByteExchange exchange;
  private ByteBuf pending;
  private BodyFramer body;
  private boolean keepAlive;
  private boolean toHead;
  /** Exchanges it carried: a failure on a reused connection may be the replica's idle close, not its fault. */
  int uses;
  private boolean replied;

  UpstreamConnection(Upstream upstream, String address) {
    this.upstream = upstream;
    this.address = address;
    this.parser = new HeadParser(64 * 1024, 64 * 1024);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  boolean open() {
    return stage != Stage.CLOSED && ctx.channel().isActive();
  }

  /** Whether no byte of a reply came yet. */
  boolean silent() {
    return !replied;
  }

  /** Sends {@code request} (a retained duplicate: the exchange keeps its copy) for {@code exchange}. */
  void send(ByteExchange exchange, ByteBuf request, boolean toHead) {
    this.exchange = exchange;
    this.toHead = toHead;
    this.replied = false;
    uses++;
    stage = Stage.AWAITING_HEAD;
    // the last reply may have ended while the client was slow, with reading paused: this one's must be read
    reading(true);
    ctx.writeAndFlush(request.retainedDuplicate(), ctx.voidPromise());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    replied = true;
    switch (stage) {
      case AWAITING_HEAD -> {
        pending = pending == null ? in : cumulate(pending, in);
        head();
      }
      case RELAYING_BODY -> relay(in, in.readerIndex());
      default -> {
        // bytes no request asked for: the replica's framing cannot be trusted any more
        in.release();
        LOG.log(Level.DEBUG, "{0} sent bytes with no request pending; closing", address);
        close();
      }
    }
  }

  private static ByteBuf cumulate(ByteBuf pending, ByteBuf in) {
    ByteBuf all = pending.alloc().directBuffer(pending.readableBytes() + in.readableBytes());
    all.writeBytes(pending).writeBytes(in);
    pending.release();
    in.release();
    return all;
  }

  private void head() {
    HttpHead head;
    while (true) {
      try {
        head = parser.reply(pending, pending.readerIndex(), toHead);
      } catch (BadMessage e) {
        fail("a malformed reply: " + e.getMessage());
        return;
      }
      if (head == null) {
        return;
      }
      if (head.status() >= 200) {
        break;
      }
      if (head.status() == 101) {
        fail("101 to a request that asked for no upgrade");
        return;
      }
      // an informational reply (103 Early Hints) goes on, without its hop-by-hop fields; the final one follows
      exchange.informational(head);
      pending.readerIndex(head.end());
    }
    stage = Stage.RELAYING_BODY;
    body = BodyFramer.of(head, upstream.maxTrailer);
    keepAlive = !head.closes() && !body.untilClose();
    ByteBuf rest = pending;
    pending = null;
    if (!exchange.replied(this, head)) {
      rest.release();
      return;
    }
    relay(rest, head.end());
  }

  /** Passes the body's bytes in {@code in}, from {@code from}, to the client. */
  private void relay(ByteBuf in, int from) {
    int n;
    try {
      n = body.feed(in, from, in.writerIndex());
    } catch (BadMessage e) {
      in.release();
      LOG.log(Level.DEBUG, "{0}: a malformed reply body: {1}", address, e.getMessage());
      exchange.broken();
      close();
      return;
    }
    if (n > 0) {
      exchange.body(in.retainedSlice(from, n));
    }
    boolean extra = from + n < in.writerIndex();
    in.release();
    if (body.done()) {
      finished(keepAlive && !extra);
    }
  }

  private void finished(boolean reusable) {
    ByteExchange done = exchange;
    exchange = null;
    body = null;
    // a reply that came before the whole request was sent leaves the connection mid-request: it cannot be reused
    if (reusable && done.requestSent()) {
      stage = Stage.IDLE;
      upstream.release(this);
    } else {
      close();
    }
    done.ended();
  }

  private void fail(String why) {
    ByteExchange ex = exchange;
    exchange = null;
    close();
    if (ex != null) {
      ex.tryFailed(this, why);
    }
  }

  /** Tells the pool, once, that this connection is gone. */
  private void leavePool() {
    if (!leftPool) {
      leftPool = true;
      upstream.closed(this);
    }
  }

  /** Gives the connection up: it is closed, whatever it was doing. */
  void close() {
    if (stage == Stage.CLOSED) {
      return;
    }
    stage = Stage.CLOSED;
    exchange = null;
    if (pending != null) {
      pending.release();
      pending = null;
    }
    leavePool();
    ctx.close();
  }

  /** Reading stops while the client cannot take more ({@code on} false), and goes on once it can. */
  void reading(boolean on) {
    if (stage != Stage.CLOSED) {
      if (ctx.channel().config().isAutoRead() != on) {
        ctx.channel().config().setAutoRead(on);
      }
    }
  }

  /** A piece of the request's body that came after its head: written, flushed once the client's read batch ends. */
  void write(ByteBuf piece) {
    ctx.write(piece, ctx.voidPromise());
  }

  void flush() {
    ctx.flush();
  }

  boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.upstreamWritable(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Stage was = stage;
    ByteExchange ex = exchange;
    stage = Stage.CLOSED;
    exchange = null;
    leavePool();
    if (pending != null) {
      pending.release();
      pending = null;
    }
    if (ex != null && was == Stage.AWAITING_HEAD) {
      ex.tryFailed(this, "the replica closed the connection");
    } else if (ex != null && was == Stage.RELAYING_BODY) {
      if (body != null && body.untilClose()) {
        ex.ended();
      } else {
        ex.broken();
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.DEBUG, "connection to {0} failed: {1}", address, cause.toString());
    ctx.close();
  }
}
