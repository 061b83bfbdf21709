package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** {@code LB_LOG_FORMAT=json}: one JSON object per line, lifecycle fields on their own, an error's whole trace. */
class JsonLogFormatterTest {

  @Test
  void aLifecycleLineCarriesItsFields() {
    LogRecord record = new LogRecord(Level.INFO, "replica ''{1}'' (ring id {2,number,#}{3}) {0}{4}");
    record.setLoggerName("dev.lb.lifecycle");
    record.setParameters(new Object[] {"started", "Server 2", 2, ", 127.0.0.1:41981", ": instance 7609"});
    String line = new JsonLogFormatter().format(record);
    assertTrue(line.endsWith(System.lineSeparator()) && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    JsonObject json = new JsonObject(line.trim());
    assertEquals("replica 'Server 2' (ring id 2, 127.0.0.1:41981) started: instance 7609", json.getString("message"));
    assertEquals("started", json.getString("event"));
    assertEquals("Server 2", json.getString("replica"));
    assertEquals(2, json.getInteger("ringId"));
    assertEquals("127.0.0.1:41981", json.getString("address"));
    assertEquals("instance 7609", json.getString("detail"));
  }

  @Test
  void anErrorComesWithItsFramesAndCauses() {
    LogRecord record = new LogRecord(Level.SEVERE, "startup failed");
    record.setLoggerName("dev.lb.launcher.Main");
    record.setThrown(new IllegalStateException("outer", new java.io.IOException("inner")));
    JsonObject json = new JsonObject(new JsonLogFormatter().format(record).trim());
    String error = json.getString("error");
    assertTrue(error.startsWith("java.lang.IllegalStateException: outer\n\tat "), error);
    assertTrue(error.contains("Caused by: java.io.IOException: inner\n\tat "), error);
  }
}
