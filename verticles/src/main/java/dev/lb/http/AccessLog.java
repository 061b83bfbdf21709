package dev.lb.http;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log ({@code access.log = true}): one line per routed request on standard output, in the Common Log
 * Format followed by the replica and the time taken:
 * {@code 127.0.0.1 - - [25/Nov/2026:15:10:00 +0000] "GET /home HTTP/1.1" 200 57 "Server 1" 0.812}. Off the event
 * loop: a request only hands its fields to a queue that one thread of the log's own formats and writes; when the queue
 * is full, lines are dropped and counted rather than slowing requests down. Turned off, it costs one test per request.
 */
public final class AccessLog {

  private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
      .withZone(ZoneId.systemDefault());
  private static final int QUEUE = 65_536;

  /** Off: logs nothing. */
  public static final AccessLog OFF = new AccessLog(false);

  private record Entry(String client, long epochMs, String method, String uri, String version, int status, String bytes,
      String replica, long nanos) { }

  private final boolean on;
  private final BlockingQueue<Entry> queue;
  private final AtomicLong dropped = new AtomicLong();

  private AccessLog(boolean on) {
    this.on = on;
    this.queue = on ? new ArrayBlockingQueue<>(QUEUE) : null;
  }

  /** A log that writes to standard output from a daemon thread of its own. */
  public static AccessLog toStandardOutput() {
    AccessLog log = new AccessLog(true);
    Thread writer = new Thread(() -> log.drain(new BufferedWriter(new OutputStreamWriter(
        new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8))), "access-log");
    writer.setDaemon(true);
    writer.start();
    return log;
  }

  public boolean on() {
    return on;
  }

  /** One routed request: who asked, what, what it got, from which replica ({@code "-"}: none), in how long. */
  public void log(String client, String method, String uri, String version, int status, String bytes, String replica,
      long nanos) {
    if (on && !queue.offer(new Entry(client, System.currentTimeMillis(), method, uri, version, status, bytes, replica,
        nanos))) {
      dropped.incrementAndGet();
    }
  }

  private void drain(Writer out) {
    try {
      while (true) {
        Entry e = queue.poll(1, TimeUnit.SECONDS);
        if (e == null) {
          continue;
        }
        do {
          out.write(line(e));
          e = queue.poll();
        } while (e != null);
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
          out.write("# access log: " + lost + " lines dropped (the log fell behind)\n");
        }
        out.flush();
      }
    } catch (IOException e) {
      LOG.log(Level.ERROR, "the access log cannot write to standard output; it stops", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String line(Entry e) {
    return e.client + " - - [" + CLF.format(Instant.ofEpochMilli(e.epochMs)) + "] \"" + e.method + " " + e.uri + " "
        + e.version + "\" " + e.status + " " + e.bytes + " \"" + e.replica + "\" "
        + String.format(Locale.ROOT, "%.3f", e.nanos / 1e6) + "\n";
  }
}
