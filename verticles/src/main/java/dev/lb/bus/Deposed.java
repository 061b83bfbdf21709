package dev.lb.bus;

/**
 * A replica manager is no longer the active one: a newer manager was elected, recorded the set, or claims a replica.
 * It steps down and changes nothing more; its node may stand again.
 */
public final class Deposed extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Deposed by the manager of epoch {@code newer}, as {@code how} tells ("recorded the replica set"). */
  public Deposed(long mine, long newer, String how) {
    super("<Error> This replica manager (epoch " + mine + ") was replaced: a newer manager (epoch " + newer + ") " + how,
        null, false, false);
  }
}
