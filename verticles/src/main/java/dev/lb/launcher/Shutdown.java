package dev.lb.launcher;

import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Closes Vert.x (and so stops every replica the manager runs) when the JVM is asked to exit: SIGTERM, Ctrl-C. */
final class Shutdown {

  private static final System.Logger LOG = System.getLogger(Shutdown.class.getName());
  private static final long CLOSE_TIMEOUT_S = 20;

  private Shutdown() {}

  static void onExit(Vertx vertx) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(CLOSE_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        LOG.log(Level.ERROR, "Vert.x did not close within {0} s", CLOSE_TIMEOUT_S);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "Vert.x failed to close", e);
      }
    }, "shutdown"));
  }
}
