package dev.lb.balancer;

import dev.lb.http1.HttpHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

/**
 * The client's side of a {@link ByteExchange}: where the reply goes and how reading the request's body is paced. A
 * {@link FrontDoor} is one (an HTTP/1.1 connection of the byte relay: the reply goes on as bytes); a {@link StackDoor}
 * is another (a request of the HTTP stack, HTTP/2 among them: the reply goes through Vert.x's response). Both run on
 * the event loop of the balancer instance, where the exchange and its {@link Upstream} are.
 */
interface Downstream {

  String clientAddress();

  /** The event loop the exchange's timers run on. */
  EventExecutor executor();

  ByteBufAllocator alloc();

  /** An informational reply (1xx) that came before the final one. */
  void informational(HttpHead head);

  /** The final reply's head; {@code close}: the client's connection ends after this reply. */
  void reply(HttpHead head, boolean close);

  /** A piece of the reply's body, as it came from the replica (the client's side owns it now). */
  void body(ByteBuf piece);

  /** Whether the client can take more of the reply now; {@link ByteExchange#resume} is called once it can again. */
  boolean writable();

  /** What was written of the reply goes out (the replica's read batch ended). */
  void flush();

  /** Reading a streamed request body pauses ({@code on} false) while the replica cannot take more, and goes on. */
  void readingBody(boolean on);

  /** The exchange failed without a reply: the failure is answered in the API's shape (see {@link FrontDoor}). */
  void failure(ByteExchange ex, int status, String message, boolean close, long retryAfterS);

  /** The reply was passed on whole; {@code close}: the client's connection ends with it. */
  void ended(ByteExchange ex, boolean close);

  /** The reply broke off midway: the client learns it the only way left, its connection (or stream) reset. */
  void broken(ByteExchange ex);
}
