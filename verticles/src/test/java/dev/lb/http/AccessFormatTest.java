package dev.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The access log's three formats, from one entry: the text lines as before, and the JSON line with every field. */
class AccessFormatTest {

  private static AccessEntry retried() {
    AccessEntry e = new AccessEntry("10.0.0.7", "GET", "/home?id=42", "HTTP/1.1")
        .headers("https://ops.example/", "curl/8.5 \"quoted\"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .key(42, 317);
    e.bytesIn(120);
    e.tried("Server 2", "503", 3_000_000);
    e.tried("Server 3", "200", 1_500_000);
    e.answeredBy("Server 3", 200, 1_500_000);
    e.sent(30);
    e.sent(27);
    e.ended(AccessEntry.End.REPLIED);
    return e;
  }

  @Test
  void commonIsTheLineTheLogAlwaysWroteAndCombinedAddsRefererAndUserAgent() {
    String common = AccessFormat.COMMON.line(retried());
    assertTrue(common.matches("10\\.0\\.0\\.7 - - \\[[^]]+] \"GET /home\\?id=42 HTTP/1\\.1\" 200 57 \"Server 3\" \\d+\\.\\d{3}\n"),
        common);
    String combined = AccessFormat.COMBINED.line(retried());
    assertTrue(combined.contains("\" 200 57 \"https://ops.example/\" \"curl/8.5 \\\"quoted\\\"\" \"Server 3\" "), combined);
  }

  @Test
  void theJsonLineHoldsTheTriesTheKeyTheBytesAndHowItEnded() {
    JsonObject line = new JsonObject(AccessFormat.JSON.line(retried()));
    assertEquals("/home", line.getString("path"));
    assertEquals("id=42", line.getString("query"));
    assertEquals(200, line.getInteger("status"));
    assertEquals(120, line.getInteger("bytesIn"));
    assertEquals(57, line.getInteger("bytesOut"));
    assertEquals(42, line.getInteger("key"));
    assertEquals(317, line.getInteger("slot"));
    assertEquals("Server 3", line.getString("replica"));
    assertEquals(List.of("Server 2 503", "Server 3 200"), line.getJsonArray("attempts").stream()
        .map(o -> ((JsonObject) o).getString("replica") + " " + ((JsonObject) o).getString("outcome")).toList());
    assertEquals(1.5, line.getDouble("headMs"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", line.getString("traceId"));
    assertEquals("replied", line.getString("end"));
  }

  @Test
  void timesMillisecondsAndEscapesAreWrittenExactly() {
    AccessEntry e = new AccessEntry("10.0.0.7", "GET", "/a\"b\\c\u0001?x=1", "HTTP/1.1").traced("id-1", null);
    e.tried("Server 1", "200", 1_234_567);
    e.ended(AccessEntry.End.REPLIED);
    String text = AccessFormat.JSON.line(e);
    JsonObject line = new JsonObject(text);
    assertEquals("/a\"b\\c\u0001", line.getString("path"), text);
    assertEquals(1.235, line.getJsonArray("attempts").getJsonObject(0).getDouble("ms"), text);
    assertEquals("id-1", line.getString("requestId"));
    assertTrue(line.getString("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), text);
    LineClock clock = new LineClock();
    assertEquals("1970-01-01T00:00:00.005Z", clock.iso(5));
    assertEquals("1970-01-01T00:00:00.999Z", clock.iso(999));
    assertEquals("1970-01-01T00:00:01.000Z", clock.iso(1000), "a new second is formatted anew");
    assertEquals("1970-01-01T00:00:01.042Z", clock.iso(1042));
    assertEquals("1969-12-31T23:59:59.999Z", clock.iso(-1));
    assertEquals("2026-12-07T20:39:33.120Z", clock.iso(java.time.Instant.parse("2026-12-07T20:39:33.120Z").toEpochMilli()));
    assertEquals("0.007", AccessLog.millis(6_500));
    assertEquals("12.000", AccessLog.millis(12_000_000));
  }

  @Test
  void aTraceparentThatIsNotOneGivesNoTraceId() {
    assertNull(AccessEntry.traceIdOf("garbage"));
    assertNull(AccessEntry.traceIdOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "the all-zero id is invalid");
    assertNull(AccessEntry.traceIdOf("00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01"));
  }

  @Test
  void anUnknownFormatIsRefusedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessFormat.named("xml"));
    assertEquals("unknown access log format 'xml'; choose common, combined or json", e.getMessage());
  }
}
