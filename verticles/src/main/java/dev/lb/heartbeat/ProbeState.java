package dev.lb.heartbeat;

/**
 * The heartbeat's view of one replica: consecutive misses and successes, and whether it was announced down.
 * A replica is announced down after {@code fall} misses in a row and up again after {@code rise} successes.
 */
final class ProbeState {

  /** What a probe result changes. */
  enum Transition { NONE, DOWN, UP }

  private final int fall;
  private final int rise;
  private int misses;
  private int successes;
  private boolean down;
  private boolean suspected;

  ProbeState(int fall, int rise) {
    this.fall = fall;
    this.rise = rise;
  }

  Transition record(boolean ok) {
    if (ok) {
      misses = 0;
      successes++;
      if (down && successes >= rise) {
        down = false;
        suspected = false;
        return Transition.UP;
      }
      if (!down && suspected) {
        suspected = false;
        return Transition.UP;
      }
      return Transition.NONE;
    }
    successes = 0;
    misses++;
    if (!down && misses >= fall) {
      down = true;
      return Transition.DOWN;
    }
    return Transition.NONE;
  }

  /** A balancer saw a forward fail: the next success must be announced, so balancers route to it again. */
  void suspect() {
    suspected = true;
  }

  int misses() {
    return misses;
  }

  boolean down() {
    return down;
  }
}
