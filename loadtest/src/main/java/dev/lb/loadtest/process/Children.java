package dev.lb.loadtest.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process the tool starts (balancers, haproxy, nginx, wrk, curl, jstat, replicas left behind), so that each is
 * stopped when it is done, at the end of a run and on Ctrl-C, within a bounded time: SIGTERM, then SIGKILL to whatever
 * of its process tree is left after its grace period.
 */
public final class Children {

  private static final System.Logger LOG = System.getLogger(Children.class.getName());
  /** Enough for a proxy or a tool; a balancer, which stops its replicas first, is given more. */
  public static final long GRACE_MS = 5_000;
  /** Each process tracked, with its grace period. */
  private static final Map<ProcessHandle, Long> RUNNING = new ConcurrentHashMap<>();

  private static volatile boolean exiting;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      exiting = true;
      stopAll();
    }, "stop-children"));
  }

  private Children() {}

  /** Starts {@code builder} and tracks the process until {@link #stop} has ended it. */
  public static Process start(ProcessBuilder builder) {
    return start(builder, GRACE_MS);
  }

  /** Starts {@code builder}, to be given {@code graceMs} between SIGTERM and SIGKILL. */
  public static Process start(ProcessBuilder builder, long graceMs) {
    if (exiting) {
      // the JVM is exiting (Ctrl-C): whatever the main thread was about to start would outlive it
      throw new IllegalStateException("exiting; not starting " + builder.command().get(0));
    }
    try {
      Process process = builder.start();
      RUNNING.put(process.toHandle(), graceMs);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", builder.command()), e);
    }
  }

  /** Tracks a process started by someone else (a replica of a balancer) so it cannot outlive the tool. */
  public static void adopt(ProcessHandle handle) {
    RUNNING.putIfAbsent(handle, GRACE_MS);
  }

  /** Waits up to {@code timeoutMs} for {@code process} to exit on its own; stops it if it does not. */
  public static boolean await(Process process, long timeoutMs) {
    try {
      if (process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        RUNNING.remove(process.toHandle());
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop(process.toHandle());
    return false;
  }

  /** Ends {@code handle} and its descendants: SIGTERM, then SIGKILL to whatever is left after its grace period. */
  public static void stop(ProcessHandle handle) {
    List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
    tree.add(0, handle);
    handle.destroy();
    long deadline = System.currentTimeMillis() + RUNNING.getOrDefault(handle, GRACE_MS);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      } catch (Exception notYet) {
        LOG.log(System.Logger.Level.DEBUG, "{0} still running after SIGTERM; killing it", p.pid());
      }
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    tree.forEach(RUNNING::remove);
  }

  /** Stops everything still tracked. */
  public static void stopAll() {
    List.copyOf(RUNNING.keySet()).forEach(p -> {
      if (p.isAlive()) {
        stop(p);
      }
      RUNNING.remove(p);
    });
  }
}
