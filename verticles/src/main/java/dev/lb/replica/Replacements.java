package dev.lb.replica;

import dev.lb.bus.NoQuorum;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The replacements of replicas announced down: one per replica however often it is announced, tried again after a
 * failure (0.5 s, then twice as long each time, up to 30 s; every {@value #NO_QUORUM_RETRY_MS} ms at most while the node
 * sees no quorum, so that it goes on soon after the quorum is back, whoever notices).
 */
final class Replacements {

  /** Runs an action later, on the manager's event loop. */
  interface Timers {
    void after(long delayMs, Runnable action);
  }

  private static final System.Logger LOG = System.getLogger(Replacements.class.getName());
  static final long FIRST_RETRY_MS = 500;
  static final long MAX_RETRY_MS = 30_000;
  static final long NO_QUORUM_RETRY_MS = 2_000;

  private final Function<String, Future<Void>> replace;
  private final Timers timers;
  private final BooleanSupplier active;
  private final Set<String> underWay = new HashSet<>();
  private final Set<String> held = new HashSet<>();

  /** Replacements that {@code replace} makes, tried again on {@code timers}, while {@code active} holds. */
  Replacements(Function<String, Future<Void>> replace, Timers timers, BooleanSupplier active) {
    this.replace = replace;
    this.timers = timers;
    this.active = active;
  }

  /** Replaces {@code name} unless its replacement is already under way; true if this began one. */
  boolean begin(String name) {
    if (!underWay.add(name)) {
      return false;
    }
    tryAfter(name, 0);
    return true;
  }

  private void tryAfter(String name, long delayMs) {
    Runnable attempt = () -> replace.apply(name).onComplete(ar -> {
      if (ar.succeeded() || !active.getAsBoolean()) {
        underWay.remove(name);
        held.remove(name);
      } else if (ar.cause() instanceof NoQuorum) {
        if (held.add(name)) {
          LOG.log(Level.WARNING, "replica ''{0}'' is not replaced until this node sees a quorum again", name);
        }
        tryAfter(name, Math.min(NO_QUORUM_RETRY_MS, Math.max(FIRST_RETRY_MS, delayMs * 2)));
      } else {
        long next = Math.min(MAX_RETRY_MS, Math.max(FIRST_RETRY_MS, delayMs * 2));
        LOG.log(Level.ERROR, "could not replace replica '" + name + "'; trying again in " + next + " ms", ar.cause());
        tryAfter(name, next);
      }
    });
    if (delayMs == 0) {
      attempt.run();
    } else {
      timers.after(delayMs, attempt);
    }
  }
}
