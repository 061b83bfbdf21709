package dev.lb.loadtest.process;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting on the tool's main thread (never an event loop): a pause, and polling until something is true. Everything
 * the tool waits for (a process serving, a port listening, replicas appearing, a replacement) is bounded by a deadline.
 */
public final class Wait {

  private Wait() {}

  /** Waits {@code ms}. */
  public static void pause(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Asks {@code done} every {@code everyMs} until it says yes (true) or {@code timeoutMs} passed (false). */
  public static boolean until(BooleanSupplier done, long timeoutMs, long everyMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (done.getAsBoolean()) {
        return true;
      }
      pause(everyMs);
    }
    return false;
  }
}
