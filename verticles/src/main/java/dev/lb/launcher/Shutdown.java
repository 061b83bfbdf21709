package dev.lb.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Stops the node (and so every replica its manager runs) when the JVM is asked to exit: SIGTERM, Ctrl-C. */
final class Shutdown {

  private static final System.Logger LOG = System.getLogger(Shutdown.class.getName());
  private static final long CLOSE_TIMEOUT_S = 40;

  private Shutdown() {}

  static void onExit(Vertx vertx) {
    onExit(vertx::close);
  }

  static void onExit(Supplier<Future<Void>> stop) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.get().await(CLOSE_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        LOG.log(Level.ERROR, "the node did not stop within {0} s", CLOSE_TIMEOUT_S);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "the node failed to stop cleanly", e);
      }
    }, "shutdown"));
  }
}
