package dev.lb.launcher;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * One-line log records on standard error ({@code log.format}: text, or one JSON object per line), unless the user
 * configured java.util.logging otherwise. Its log manager keeps its handlers while the JVM shuts down, so the lines
 * the node writes while it stops (replicas handed over or stopped) are not lost.
 */
final class Logging {

  /** java.util.logging's manager, except that it does not drop its handlers before the node's shutdown hook ran. */
  public static final class KeptLogManager extends LogManager {
    @Override
    public void reset() {
      if (!shuttingDown()) {
        super.reset();
      }
    }

    private static boolean shuttingDown() {
      try {
        Thread probe = new Thread(() -> { });
        Runtime.getRuntime().addShutdownHook(probe);
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
      } catch (IllegalStateException e) {
        return true;
      }
    }
  }

  /** Called before anything logs: java.util.logging reads its manager's class once. */
  static void keepHandlersAtShutdown() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", KeptLogManager.class.getName());
    }
  }

  /** {@code json}: one JSON object per line; anything else: one line of text per record. */
  static void format(String format) {
    if ("json".equalsIgnoreCase(format.trim()) && System.getProperty("java.util.logging.config.file") == null) {
      for (Handler handler : Logger.getLogger("").getHandlers()) {
        handler.setFormatter(new JsonLogFormatter());
      }
    }
  }

  private static final String FORMAT = "java.util.logging.SimpleFormatter.format";
  /**
   * Vert.x logs, without context, each reset of a client connection that has no handler of its own. Every such
   * reset also fails a request that reports it with context (a forward retried, a heartbeat missed, a replica not
   * yet ready), so this duplicate is silenced. Held here: java.util.logging keeps loggers only weakly.
   */
  private static Logger connectionNoise;
  /** Hazelcast logs every step of joining and leaving at INFO; its warnings and errors are kept. */
  private static Logger hazelcast;
  /** Hazelcast warns that its CP subsystem is off at every start; this system uses none of its CP structures. */
  private static Logger hazelcastCp;

  private Logging() {}

  static void setUp() {
    if (System.getProperty("java.util.logging.config.file") == null) {
      if (System.getProperty(FORMAT) == null) {
        System.setProperty(FORMAT, "%1$tF %1$tT.%1$tL %4$-7s %3$s - %5$s%6$s%n");
      }
      connectionNoise = Logger.getLogger("io.vertx.core.net.impl.ConnectionBase");
      connectionNoise.setLevel(Level.OFF);
      hazelcast = Logger.getLogger("com.hazelcast");
      hazelcast.setLevel(Level.WARNING);
      hazelcastCp = Logger.getLogger("com.hazelcast.cp.CPSubsystem");
      hazelcastCp.setLevel(Level.SEVERE);
    }
  }
}
