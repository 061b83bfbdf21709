package dev.lb.http;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log ({@code access.log = true}): one line per routed request on standard output, in the format of
 * {@code access.log.format} ({@link AccessFormat}). Off the event loop: a request's exchange fills an
 * {@link AccessEntry} as it goes and hands it to a bounded queue once, when it ends; one thread of the log's own
 * formats and writes. When the queue is full the entry is dropped and counted ({@code lb_access_log_dropped_total}),
 * never waited for. Turned off, it costs one test per request.
 */
public final class AccessLog {

  private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
  private static final int QUEUE = 65_536;
  private static final int BATCH = 1024;
  /** How long the writer sleeps when nothing is waiting. */
  private static final long IDLE_MS = 10;

  /** Off: logs nothing. */
  public static final AccessLog OFF = new AccessLog(null, AccessFormat.COMMON, () -> { });

  private final BlockingQueue<AccessEntry> queue;
  private final AccessFormat format;
  private final Runnable dropped;
  private final AtomicLong droppedSinceWritten = new AtomicLong();

  private AccessLog(BlockingQueue<AccessEntry> queue, AccessFormat format, Runnable dropped) {
    this.queue = queue;
    this.format = format;
    this.dropped = dropped;
  }

  /** A log that writes to standard output from a daemon thread of its own; {@code dropped} hears each entry dropped. */
  public static AccessLog toStandardOutput(AccessFormat format, Runnable dropped) {
    return to(new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)),
        format, dropped);
  }

  /** A log that writes to {@code out} from a daemon thread of its own. */
  public static AccessLog to(Writer out, AccessFormat format, Runnable dropped) {
    AccessLog log = new AccessLog(new ArrayBlockingQueue<>(QUEUE), format, dropped);
    Thread writer = new Thread(() -> log.drain(out), "access-log");
    writer.setDaemon(true);
    writer.start();
    return log;
  }

  public boolean on() {
    return queue != null;
  }

  /** Whether the format writes what the request's headers say (Referer, User-Agent, traceparent): not {@code common}. */
  public boolean readsHeaders() {
    return format != AccessFormat.COMMON;
  }

  /** Whether an exchange that ends without an answer (its client went away) is logged too: in JSON only. */
  public boolean logsUnanswered() {
    return format == AccessFormat.JSON;
  }

  /** A request begins: its entry to fill, or null when the log is off. */
  public AccessEntry begin(String client, String method, String target, String version) {
    return queue == null ? null : new AccessEntry(client, method, target, version);
  }

  /** The request of {@code entry} ended as {@code end}: it goes to the log, or is dropped if the log fell behind. */
  public void end(AccessEntry entry, AccessEntry.End end) {
    if (entry == null || queue == null) {
      return;
    }
    entry.ended(end);
    if (!queue.offer(entry)) {
      droppedSinceWritten.incrementAndGet();
      dropped.run();
    }
  }

  /** A request the balancer answered itself, before any exchange (a bad request, a path the API refuses). */
  public void answered(String client, String method, String target, String version, int status) {
    AccessEntry entry = begin(client, method, target, version);
    if (entry != null) {
      entry.status(status);
      end(entry, AccessEntry.End.REFUSED);
    }
  }

  /**
   * The writer's loop: it takes what is waiting in batches, and when nothing is, sleeps for {@link #IDLE_MS} rather
   * than waiting on the queue, so that a request ending never has to wake it (a wake-up per line cost the event loops
   * more than the line's formatting); a line is written at most that much later.
   */
  private void drain(Writer out) {
    List<AccessEntry> batch = new ArrayList<>(BATCH);
    LineClock clock = new LineClock();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        if (queue.drainTo(batch, BATCH) == 0) {
          TimeUnit.MILLISECONDS.sleep(IDLE_MS);
          continue;
        }
        for (AccessEntry e : batch) {
          out.write(format.line(e, clock));
        }
        batch.clear();
        long lost = droppedSinceWritten.getAndSet(0);
        if (lost > 0) {
          LOG.log(Level.WARNING, "the access log fell behind: {0} lines dropped", lost);
        }
        if (queue.isEmpty()) {
          out.flush();
        }
      }
    } catch (IOException e) {
      LOG.log(Level.ERROR, "the access log cannot write; it stops", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Milliseconds with three decimals, as the text formats end. */
  static String millis(long nanos) {
    return AccessFormat.millis(new StringBuilder(12), nanos).toString();
  }
}
