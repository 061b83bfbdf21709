package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link HopByHop#strip} removes from a message's headers before it crosses the proxy, and what it keeps. */
class HopByHopTest {

  /** End-to-end headers: none of them may be removed unless a Connection header names it. */
  private static final Map<String, String> END_TO_END = Map.of("Content-Type", "application/json", "Accept", "*/*",
      "Cookie", "session=1", "Authorization", "Bearer abc", "Cache-Control", "no-cache", "X-Request-Id", "42",
      "Content-Encoding", "gzip", "Trailers-Seen", "no");

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    END_TO_END.forEach(headers::add);
    for (int k = 0; k < namesAndValues.length; k += 2) {
      headers.add(namesAndValues[k], namesAndValues[k + 1]);
    }
    return headers;
  }

  private static void assertEndToEndKept(MultiMap headers) {
    END_TO_END.forEach((name, value) -> assertEquals(List.of(value), headers.getAll(name), name + " kept, once"));
  }

  @Test
  void everyHopByHopHeaderAndHostAndLengthAreRemovedWhateverTheirCase() {
    MultiMap headers = headers("Connection", "keep-alive", "KEEP-ALIVE", "timeout=5", "proxy-connection", "keep-alive",
        "Te", "trailers", "TRAILER", "Expires", "transfer-encoding", "chunked", "Upgrade", "websocket",
        "Proxy-Authenticate", "Basic", "proxy-authorization", "Basic Zm9vOmJhcg==", "HOST", "client.example",
        "content-length", "12");
    HopByHop.strip(headers);
    assertEquals(END_TO_END.size(), headers.size(), "only the end-to-end headers are left: " + headers);
    assertEndToEndKept(headers);
  }

  @Test
  void everyLineOfARepeatedHopByHopHeaderIsRemoved() {
    MultiMap headers = headers("TE", "trailers", "te", "gzip", "Transfer-Encoding", "gzip", "Transfer-Encoding", "chunked");
    HopByHop.strip(headers);
    assertFalse(headers.contains("TE"));
    assertFalse(headers.contains("Transfer-Encoding"));
    assertEndToEndKept(headers);
  }

  @Test
  void headersThatConnectionNamesAreRemovedCaseInsensitivelyAndOthersKept() {
    MultiMap headers = headers("Connection", " X-Trace ,x-debug", "x-trace", "1", "X-Debug", "on", "X-Debug", "twice",
        "X-Other", "kept");
    HopByHop.strip(headers);
    assertFalse(headers.contains("X-Trace"));
    assertFalse(headers.contains("X-Debug"), "every line of a named header");
    assertEquals("kept", headers.get("X-Other"));
    assertFalse(headers.contains("Connection"));
    assertEndToEndKept(headers);
  }

  @Test
  void aStandardTokenBesideNamedHeadersDoesNotHideThem() {
    MultiMap headers = headers("Connection", "close, X-Session-Hint", "X-Session-Hint", "a", "Keep-Alive", "max=5");
    HopByHop.strip(headers);
    assertFalse(headers.contains("X-Session-Hint"));
    assertFalse(headers.contains("Keep-Alive"));
    assertEndToEndKept(headers);
  }

  @Test
  void eachConnectionLineIsReadNotOnlyTheFirst() {
    // RFC 9110 §5.3: several lines of a list-valued field mean the same as one line listing them all
    MultiMap headers = headers("Connection", "keep-alive", "Connection", "X-Second", "Connection", "Upgrade, X-Third",
        "X-Second", "2", "X-Third", "3");
    HopByHop.strip(headers);
    assertFalse(headers.contains("X-Second"), "named by the second Connection line: " + headers);
    assertFalse(headers.contains("X-Third"), "named by the third Connection line: " + headers);
    assertEndToEndKept(headers);
  }

  @Test
  void emptyTokensAndAnEmptyConnectionHeaderRemoveNothingElse() {
    MultiMap headers = headers("Connection", " , ,X-Only,, ", "X-Only", "1");
    HopByHop.strip(headers);
    assertFalse(headers.contains("X-Only"));
    assertEndToEndKept(headers);
    MultiMap empty = headers("Connection", "");
    HopByHop.strip(empty);
    assertEquals(END_TO_END.size(), empty.size());
    assertEndToEndKept(empty);
  }

  @Test
  void aConnectionHeaderCannotProtectAHopByHopHeaderOrNameItselfOutOfRemoval() {
    MultiMap headers = headers("Connection", "Connection, Transfer-Encoding", "Transfer-Encoding", "chunked");
    HopByHop.strip(headers);
    assertFalse(headers.contains("Connection"));
    assertFalse(headers.contains("Transfer-Encoding"));
    assertEndToEndKept(headers);
  }

  @Test
  void headersWithoutAnyHopByHopOneAreLeftAsTheyAre() {
    MultiMap headers = headers();
    HopByHop.strip(headers);
    assertEquals(END_TO_END.size(), headers.size());
    assertEndToEndKept(headers);
    assertTrue(headers.contains("trailers-seen"), "a name that merely starts like a hop-by-hop one is kept");
  }
}
