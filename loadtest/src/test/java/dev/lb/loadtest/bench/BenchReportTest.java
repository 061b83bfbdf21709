package dev.lb.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** bench.md and the terminal's table are written from bench.json alone; the committed bench.md is what it gives. */
class BenchReportTest {

  private static final Path BENCH = Path.of("results", "bench");

  @Test
  void theCommittedBenchMdIsWhatTheCommittedBenchJsonGives() throws IOException {
    JsonObject results = new JsonObject(Files.readString(BENCH.resolve("bench.json")));
    assertEquals(Files.readString(BENCH.resolve("bench.md")), BenchReport.markdown(results));
  }

  @Test
  void theTerminalTableHasARowPerTarget() throws IOException {
    JsonObject results = new JsonObject(Files.readString(BENCH.resolve("bench.json")));
    String table = BenchReport.table(results);
    assertEquals(1 + results.getJsonArray("targets").size(), table.lines().count(), table);
    assertTrue(table.lines().findFirst().orElseThrow().startsWith("target  "), table);
    assertTrue(table.contains("haproxy"), table);
  }

  @Test
  void httpsRoundsGetATableOfTheirOwn() throws IOException {
    JsonObject results = new JsonObject(Files.readString(BENCH.resolve("bench.json")));
    io.vertx.core.json.JsonArray rounds = new io.vertx.core.json.JsonArray();
    for (int r = 1; r <= 3; r++) {
      rounds.add(new JsonObject().put("round", r)
          .put("keepAlive", run(30_000 + r * 1000, 2_000, 40.0))
          .put("newConnections", run(3_000 + r * 100, 20_000, 300.0)));
    }
    JsonObject balancer = new JsonObject().put("name", "balancer").put("status", "ok").put("rounds", rounds);
    HttpsRounds.medians(balancer);
    assertEquals(32_000, balancer.getJsonObject("median").getJsonObject("keepAlive").getLong("perSecond"));
    assertEquals(3_200, balancer.getJsonObject("median").getJsonObject("newConnections").getLong("perSecond"));
    results.put("https", new JsonObject().put("balancerTls", "HTTPS on port 1 (BoringSSL)").put("certificate", "ECDSA P-256")
        .put("targets", new io.vertx.core.json.JsonArray().add(balancer)
            .add(new JsonObject().put("name", "nginx").put("status", "skipped: not installed"))));
    String md = BenchReport.markdown(results);
    assertTrue(md.contains("## HTTPS"), md);
    assertTrue(md.contains("| balancer | 32,000 | 2.00 | 40.0 | 3,200 | 20.00 | 300.0 | 0 + 0 |"), md);
    assertTrue(md.contains("skipped: not installed"), md);
    String table = BenchReport.table(HttpsRounds.HEADER, HttpsRounds.rows(results.getJsonObject("https")));
    assertEquals(3, table.lines().count(), table);
  }

  private static JsonObject run(long perSecond, long p99Us, double cpu) {
    return new JsonObject().put("requestsPerSecond", perSecond).put("errors", 0L).put("cpuUsPerRequest", cpu)
        .put("latencyUs", new JsonObject().put("p99", p99Us));
  }
}
