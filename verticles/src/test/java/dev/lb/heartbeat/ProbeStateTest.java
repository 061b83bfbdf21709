package dev.lb.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lb.heartbeat.ProbeState.Transition;
import org.junit.jupiter.api.Test;

class ProbeStateTest {

  @Test
  void downAfterFallMissesInARowAndUpAfterRiseSuccesses() {
    ProbeState state = new ProbeState(3, 2);
    assertEquals(Transition.NONE, state.record(false));
    assertEquals(Transition.NONE, state.record(false));
    assertEquals(Transition.NONE, state.record(true), "a success resets the count");
    assertEquals(Transition.NONE, state.record(false));
    assertEquals(Transition.NONE, state.record(false));
    assertEquals(Transition.DOWN, state.record(false));
    assertEquals(Transition.NONE, state.record(false), "announced once");
    assertEquals(Transition.NONE, state.record(true));
    assertEquals(Transition.UP, state.record(true));
    assertEquals(Transition.NONE, state.record(true));
  }

  @Test
  void aSuspectThatAnswersIsAnnouncedUpOnce() {
    ProbeState state = new ProbeState(3, 2);
    state.suspect();
    assertEquals(Transition.UP, state.record(true));
    assertEquals(Transition.NONE, state.record(true));
  }
}
