package dev.lb.balancer;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * How a try failed before a reply came, which decides what follows: whether it may be made again on the next replica
 * ({@link RetryPolicy}: only a try that sent nothing, unless the request can be replayed) and whether the replica is
 * certainly down ({@link RoutingTable#failed}: only one that refused a connection).
 */
enum TryFailure {
  /** No connection could be made: nothing reached the replica, and it is down or not listening. */
  REFUSED(false),
  /** A connection was had but could not carry the request: nothing reached the replica. */
  UNSENT(false),
  /** The connection broke, or what came back was no reply, after the request (or some of it) went out. */
  BROKEN(true),
  /** No reply came within the try's time. */
  TIMED_OUT(true);

  /** Whether the request (or some of it) may have reached the replica. */
  final boolean sent;

  TryFailure(boolean sent) {
    this.sent = sent;
  }

  /** A try that failed with {@code err} before any of the request was written. */
  static TryFailure beforeSending(Throwable err) {
    return err instanceof ConnectException ? REFUSED : UNSENT;
  }

  /** A try that failed with {@code err} once the request was written, or while it was. */
  static TryFailure afterSending(Throwable err) {
    return err instanceof ConnectException ? REFUSED : err instanceof TimeoutException ? TIMED_OUT : BROKEN;
  }
}
