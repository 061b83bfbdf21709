package dev.lb.http1;

/**
 * A message whose framing or syntax breaks RFC 9112: the relay answers it (400 for a request, 502 for a reply) and
 * closes the connection, since where the next message would begin is no longer known. No stack trace: it is expected
 * input, not a fault of the balancer.
 */
public final class BadMessage extends RuntimeException {

  /** The status a request with this fault gets: 400, or 414 / 431 for a line or head that is too long. */
  public final int status;

  public BadMessage(String reason) {
    this(400, reason);
  }

  public BadMessage(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }
}
