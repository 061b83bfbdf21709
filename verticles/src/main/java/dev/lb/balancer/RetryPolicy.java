package dev.lb.balancer;

/**
 * When a routed request is tried again on the next replica: the one place that decides it. A try that sent nothing
 * (no connection) may always be made again; one that reached the replica only if the request can be replayed (an
 * idempotent method whose body was kept), as can a reply of 500, 502, 503 or 504. At most {@code proxy.retries}
 * further replicas are tried, and, once the exchange found one to try, only while the {@link RetryBudget} has room
 * ({@link #budgetAllows}), if there is one. Plain Java; whether time is left and whether another replica is up is the
 * exchange's.
 */
final class RetryPolicy {

  /** What the policy reports: a retry it refused for the budget. */
  interface Refusals {
    void refused();
  }

  private final int retries;
  private final RetryBudget budget;
  private final Refusals refusals;

  RetryPolicy(int retries) {
    this(retries, null, () -> { });
  }

  /** {@code budget}: null for none. */
  RetryPolicy(int retries, RetryBudget budget, Refusals refusals) {
    this.retries = Math.max(0, retries);
    this.budget = budget;
    this.refusals = refusals;
  }

  /** A request came: its first try counts towards the budget's room. */
  void requested() {
    if (budget != null) {
      budget.requested();
    }
  }

  /** After a try failed as {@code failure}, with {@code tries} made so far. */
  boolean afterFailure(int tries, TryFailure failure, boolean replayable) {
    return tries <= retries && (!failure.sent || replayable);
  }

  /** After a reply with {@code status}: whether to try the next replica instead of passing the reply on. */
  boolean afterReply(int tries, int status, boolean replayable) {
    return tries <= retries && replayable && (status == 500 || status == 502 || status == 503 || status == 504);
  }

  /**
   * Asked last, once a retry is due and a replica to make it on was found: whether the budget has room for it (then
   * it is spent), else the refusal is reported.
   */
  boolean budgetAllows() {
    if (budget == null || budget.spend()) {
      return true;
    }
    refusals.refused();
    return false;
  }
}
