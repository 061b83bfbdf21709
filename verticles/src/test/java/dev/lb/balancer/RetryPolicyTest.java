package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a request is tried again: every rule of the policy, in plain Java. */
class RetryPolicyTest {

  private final RetryPolicy twoRetries = new RetryPolicy(2);

  @Test
  void aTryThatSentNothingIsMadeAgainForAnyRequestWhileRetriesAreLeft() {
    assertTrue(twoRetries.afterFailure(1, TryFailure.REFUSED, false), "a POST that got no connection");
    assertTrue(twoRetries.afterFailure(2, TryFailure.REFUSED, false));
    assertFalse(twoRetries.afterFailure(3, TryFailure.REFUSED, false), "three tries: the first and two retries");
  }

  @Test
  void aTryThatReachedTheReplicaIsMadeAgainOnlyIfTheRequestCanBeReplayed() {
    assertTrue(twoRetries.afterFailure(1, TryFailure.BROKEN, true), "an idempotent request with its body kept");
    assertFalse(twoRetries.afterFailure(1, TryFailure.BROKEN, false), "a POST, or a streamed body");
  }

  @Test
  void onlyTheServerErrorsThatMeanTryElsewhereAreRetriedAndOnlyIfReplayable() {
    for (int status : new int[] {500, 502, 503, 504}) {
      assertTrue(twoRetries.afterReply(1, status, true), String.valueOf(status));
      assertFalse(twoRetries.afterReply(1, status, false), status + " of a request that cannot be replayed");
      assertFalse(twoRetries.afterReply(3, status, true), status + " with no retry left");
    }
    for (int status : new int[] {200, 404, 429, 501, 505}) {
      assertFalse(twoRetries.afterReply(1, status, true), String.valueOf(status));
    }
  }

  @Test
  void noRetriesMeansOneTry() {
    RetryPolicy none = new RetryPolicy(0);
    assertTrue(none.afterFailure(0, TryFailure.REFUSED, false), "no try made yet");
    assertFalse(none.afterFailure(1, TryFailure.REFUSED, false));
    assertFalse(none.afterReply(1, 503, true));
  }

  @Test
  void aFailureIsNamedByWhenItCameAndOnlyOneThatSentNothingRetriesAPost() {
    assertEquals(TryFailure.REFUSED, TryFailure.beforeSending(new java.net.ConnectException("refused")));
    assertEquals(TryFailure.UNSENT, TryFailure.beforeSending(new java.io.IOException("closed while idle")));
    assertEquals(TryFailure.TIMED_OUT, TryFailure.afterSending(new java.util.concurrent.TimeoutException()));
    assertEquals(TryFailure.BROKEN, TryFailure.afterSending(new java.io.IOException("reset")));
    assertTrue(twoRetries.afterFailure(1, TryFailure.UNSENT, false), "a POST that was never written");
    assertFalse(twoRetries.afterFailure(1, TryFailure.TIMED_OUT, false), "a POST the replica may be working on");
    assertTrue(twoRetries.afterFailure(1, TryFailure.TIMED_OUT, true), "a GET that timed out");
  }
}
