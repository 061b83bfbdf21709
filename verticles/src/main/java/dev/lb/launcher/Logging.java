package dev.lb.launcher;

/** One-line log records on standard error, unless the user configured java.util.logging otherwise. */
final class Logging {

  private static final String FORMAT = "java.util.logging.SimpleFormatter.format";

  private Logging() {}

  static void setUp() {
    if (System.getProperty(FORMAT) == null && System.getProperty("java.util.logging.config.file") == null) {
      System.setProperty(FORMAT, "%1$tF %1$tT.%1$tL %4$-7s %3$s - %5$s%6$s%n");
    }
  }
}
