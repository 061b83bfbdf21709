package dev.lb.launcher;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops the node (and so every replica its manager runs) when the JVM is asked to exit: SIGTERM, Ctrl-C. */
final class Shutdown {

  private static final System.Logger LOG = System.getLogger(Shutdown.class.getName());
  private static final long STOP_TIMEOUT_S = 40;

  /** What stops the node, blocking until it has. */
  @FunctionalInterface
  interface Stop {
    void stop(long timeout, TimeUnit unit) throws TimeoutException;
  }

  private Shutdown() {}

  static void onExit(Stop stop) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.stop(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        LOG.log(Level.ERROR, "the node did not stop within {0} s", STOP_TIMEOUT_S);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "the node failed to stop cleanly", e);
      }
    }, "shutdown"));
  }
}
