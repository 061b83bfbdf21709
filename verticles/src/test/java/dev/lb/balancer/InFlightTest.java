package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drain's wait on one balancer instance, in plain Java. */
class InFlightTest {

  private final InFlight inFlight = new InFlight();

  @Test
  void aReplicaWithNothingInFlightIsIdleAtOnce() {
    inFlight.started("S1");
    assertTrue(inFlight.idle(List.of("S2")).succeeded());
  }

  @Test
  void theWaitEndsWithTheLastRequestOfEveryDrainedReplica() {
    inFlight.started("S1");
    inFlight.started("S1");
    inFlight.started("S2");
    inFlight.started("S3");
    Future<Void> idle = inFlight.idle(List.of("S1", "S2"));
    inFlight.finished("S1");
    inFlight.finished("S2");
    assertFalse(idle.isComplete(), "one request to S1 is still in flight");
    inFlight.finished("S3");
    assertFalse(idle.isComplete(), "S3 is not drained");
    inFlight.finished("S1");
    assertTrue(idle.succeeded());
    assertEquals(0, inFlight.count("S1"));
  }

  @Test
  void countsOfReplicasThatLeftAreForgottenOnlyWhenNothingIsInFlight() {
    inFlight.started("S1");
    inFlight.started("S2");
    inFlight.finished("S2");
    inFlight.left(Set.of("S1", "S2"));
    assertEquals(1, inFlight.count("S1"));
    Future<Void> idle = inFlight.idle(List.of("S1"));
    inFlight.finished("S1");
    assertTrue(idle.succeeded());
  }
}
