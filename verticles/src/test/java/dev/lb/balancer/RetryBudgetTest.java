package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The retry budget in plain Java, on a clock of the test's: a share of the recent requests plus a floor. */
class RetryBudgetTest {

  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final RetryBudget budget = new RetryBudget(20, now::get);

  private int spendAll() {
    int spent = 0;
    while (budget.spend()) {
      spent++;
    }
    return spent;
  }

  @Test
  void aQuietBalancerHasTheFloor() {
    assertEquals(RetryBudget.FLOOR_PER_S * RetryBudget.WINDOW_S, spendAll());
    assertFalse(budget.spend());
  }

  @Test
  void retriesMayAddTheirShareOfTheRequests() {
    for (int k = 0; k < 1_000; k++) {
      budget.requested();
    }
    assertEquals(30 + 200, spendAll(), "the floor and 20 % of 1,000");
  }

  @Test
  void theWindowSlidesSoOldRequestsAndRetriesStopCounting() {
    for (int k = 0; k < 1_000; k++) {
      budget.requested();
    }
    assertEquals(230, spendAll());
    now.addAndGet(5 * SECOND);
    assertFalse(budget.spend(), "5 s later both are still in the window");
    now.addAndGet(5 * SECOND);
    assertEquals(30, spendAll(), "10 s later only the floor is left");
    now.addAndGet(60 * SECOND);
    for (int k = 0; k < 100; k++) {
      budget.requested();
    }
    assertEquals(30 + 20, spendAll(), "a long pause empties the whole window");
  }

  @Test
  void aBudgetIsAPercentageOverZero() {
    assertThrows(IllegalArgumentException.class, () -> new RetryBudget(0, now::get));
  }

  @Test
  void thePolicysRulesSpendNothingAndTheBudgetIsAskedLastAndReportsWhatItRefused() {
    AtomicInteger refused = new AtomicInteger();
    RetryPolicy policy = new RetryPolicy(2, budget, refused::incrementAndGet);
    assertEquals(30, spendAll());
    assertTrue(policy.afterReply(1, 503, true), "the rules alone: a retry is due");
    assertFalse(policy.budgetAllows(), "no room left");
    assertFalse(policy.budgetAllows());
    assertEquals(2, refused.get());
    for (int k = 0; k < 10; k++) {
      policy.requested();
    }
    assertTrue(policy.budgetAllows(), "10 requests leave room for 2 retries");
    assertTrue(policy.budgetAllows());
    assertFalse(policy.budgetAllows());
    assertEquals(3, refused.get());
  }
}
