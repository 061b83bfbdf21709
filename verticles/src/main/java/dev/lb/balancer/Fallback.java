package dev.lb.balancer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.buffer.Unpooled;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetClientInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * The way from the byte relay to the balancer's HTTP stack (Vert.x's HTTP server, on a loopback port of its own, with
 * the {@link dev.lb.api.AdminApi} and the {@link Forwarder}): a client connection the relay does not carry itself goes
 * there whole, from the request that needed it on, behind a PROXY protocol header (v1) that names the client, so that
 * the stack sees the client's address as its own.
 */
final class Fallback {

  private static final System.Logger LOG = System.getLogger(Fallback.class.getName());

  private final NetClientInternal client;
  private final ContextInternal context;
  private final IntSupplier port;

  Fallback(NetClientInternal client, ContextInternal context, IntSupplier port) {
    this.client = client;
    this.context = context;
    this.port = port;
  }

  /** Pipes the client's connection ({@code front}) to the HTTP stack, {@code rest} and {@code later} first. */
  Pipe open(ChannelHandlerContext front, ByteBuf rest, ArrayDeque<ByteBuf> later) {
    Pipe pipe = new Pipe(front);
    pipe.queue.add(proxyHeader(front));
    if (rest != null) {
      pipe.queue.add(rest);
    }
    if (later != null) {
      pipe.queue.addAll(later);
    }
    Promise<NetSocket> made = context.promise();
    client.connectInternal(new ConnectOptions().setHost("127.0.0.1").setPort(port.getAsInt()), made, context);
    made.future().onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(Level.WARNING, "the balancer's HTTP stack could not be reached: {0}", ar.cause().toString());
        pipe.failed();
        front.close();
      } else {
        ((NetSocketInternal) ar.result()).channelHandlerContext().pipeline().addBefore("handler", "fallback", pipe);
      }
    });
    return pipe;
  }

  private static ByteBuf proxyHeader(ChannelHandlerContext front) {
    InetSocketAddress src = (InetSocketAddress) front.channel().remoteAddress();
    InetSocketAddress dst = (InetSocketAddress) front.channel().localAddress();
    // a connection already gone has no addresses: the header says so (the stack then sees the pipe's own)
    String line = src == null || dst == null ? "PROXY UNKNOWN\r\n"
        : "PROXY " + (src.getAddress() instanceof Inet6Address ? "TCP6" : "TCP4") + " " + src.getAddress().getHostAddress()
        + " " + dst.getAddress().getHostAddress() + " " + src.getPort() + " " + dst.getPort() + "\r\n";
    ByteBuf out = front.alloc().directBuffer(line.length());
    ByteBufUtil.writeAscii(out, line);
    return out;
  }

  /** One client connection piped to the HTTP stack, both ways, with back-pressure. */
  static final class Pipe extends ChannelInboundHandlerAdapter {

    private final ChannelHandlerContext front;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(4);
    private ChannelHandlerContext back;
    private boolean frontClosed;
    /** The stack could not be reached: what the client sends is dropped. */
    private boolean failed;

    Pipe(ChannelHandlerContext front) {
      this.front = front;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      back = ctx;
      if (frontClosed) {
        release();
        ctx.close();
        return;
      }
      ByteBuf b;
      while ((b = queue.poll()) != null) {
        ctx.write(b, ctx.voidPromise());
      }
      ctx.flush();
      front.channel().config().setAutoRead(true);
    }

    /** Bytes from the client. */
    void forward(ByteBuf bytes) {
      if (failed || frontClosed) {
        bytes.release();
        return;
      }
      if (back == null) {
        queue.add(bytes);
        return;
      }
      back.writeAndFlush(bytes, back.voidPromise());
      if (!back.channel().isWritable()) {
        front.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      front.write(msg, front.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      front.flush();
      if (!front.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
      ctx.fireChannelReadComplete();
    }

    /** The client can take more again. */
    void writable() {
      if (back != null) {
        back.channel().config().setAutoRead(true);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        front.channel().config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    void clientClosed() {
      frontClosed = true;
      if (back != null) {
        back.close();
      } else {
        release();
      }
    }

    void failed() {
      failed = true;
      release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      front.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.log(Level.DEBUG, "pipe to the HTTP stack failed: {0}", cause.toString());
      ctx.close();
    }

    void release() {
      queue.forEach(ByteBuf::release);
      queue.clear();
    }
  }
}
