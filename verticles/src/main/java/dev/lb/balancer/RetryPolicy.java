package dev.lb.balancer;

/**
 * When a routed request is tried again on the next replica: the one place that decides it. A try that sent nothing
 * (no connection) may always be made again; one that reached the replica only if the request can be replayed (an
 * idempotent method whose body was kept), as can a reply of 500, 502, 503 or 504. At most {@code proxy.retries}
 * further replicas are tried. Plain Java; whether time is left and whether another replica is up is the exchange's.
 */
final class RetryPolicy {

  private final int retries;

  RetryPolicy(int retries) {
    this.retries = Math.max(0, retries);
  }

  /** After a try failed as {@code failure}, with {@code tries} made so far. */
  boolean afterFailure(int tries, TryFailure failure, boolean replayable) {
    return tries <= retries && (!failure.sent || replayable);
  }

  /** After a reply with {@code status}: whether to try the next replica instead of passing the reply on. */
  boolean afterReply(int tries, int status, boolean replayable) {
    return tries <= retries && replayable && (status == 500 || status == 502 || status == 503 || status == 504);
  }
}
