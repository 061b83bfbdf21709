package dev.lb.launcher;

import io.vertx.core.json.JsonObject;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line ({@code log.format = json}): time, level, logger, thread, message, and the error's stack
 * trace if any. A replica's lifecycle line (logger {@code dev.lb.lifecycle}) also carries its fields on their own:
 * event, replica, ringId, address, detail.
 */
final class JsonLogFormatter extends Formatter {

  private static final String LIFECYCLE = "dev.lb.lifecycle";

  @Override
  public String format(LogRecord record) {
    JsonObject line = new JsonObject()
        .put("time", Instant.ofEpochMilli(record.getMillis()).toString())
        .put("level", record.getLevel().getName())
        .put("logger", record.getLoggerName())
        .put("thread", Thread.currentThread().getName())
        .put("message", formatMessage(record));
    Object[] params = record.getParameters();
    if (LIFECYCLE.equals(record.getLoggerName()) && params != null && params.length >= 5) {
      line.put("event", String.valueOf(params[0])).put("replica", String.valueOf(params[1]))
          .put("ringId", params[2] instanceof Number n ? n.intValue() : 0)
          .put("address", String.valueOf(params[3]).replaceFirst("^, ", ""))
          .put("detail", String.valueOf(params[4]).replaceFirst("^: ", ""));
    }
    if (record.getThrown() != null) {
      line.put("error", trace(record.getThrown()));
    }
    return line.encode() + System.lineSeparator();
  }

  /** The error, its frames and its causes', as a stack trace reads. */
  static String trace(Throwable error) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      out.append(t == error ? "" : "Caused by: ").append(t).append('\n');
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append("\tat ").append(frame).append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public String formatMessage(LogRecord record) {
    Object[] params = record.getParameters();
    String message = record.getMessage();
    return params == null || params.length == 0 || message == null ? String.valueOf(message)
        : MessageFormat.format(message, params);
  }
}
