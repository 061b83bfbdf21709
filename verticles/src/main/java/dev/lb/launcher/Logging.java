package dev.lb.launcher;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One-line log records on standard error, unless the user configured java.util.logging otherwise. */
final class Logging {

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
