package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a request is tried again: every rule of the policy, in plain Java. */
class RetryPolicyTest {

  private final RetryPolicy twoRetries = new RetryPolicy(2);

  @Test
  void aTryThatSentNothingIsMadeAgainForAnyRequestWhileRetriesAreLeft() {
    assertTrue(twoRetries.afterFailure(1, false, false), "a POST that got no connection");
    assertTrue(twoRetries.afterFailure(2, false, false));
    assertFalse(twoRetries.afterFailure(3, false, false), "three tries: the first and two retries");
  }

  @Test
  void aTryThatReachedTheReplicaIsMadeAgainOnlyIfTheRequestCanBeReplayed() {
    assertTrue(twoRetries.afterFailure(1, true, true), "an idempotent request with its body kept");
    assertFalse(twoRetries.afterFailure(1, true, false), "a POST, or a streamed body");
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
    assertTrue(none.afterFailure(0, false, false), "no try made yet");
    assertFalse(none.afterFailure(1, false, false));
    assertFalse(none.afterReply(1, 503, true));
  }
}
