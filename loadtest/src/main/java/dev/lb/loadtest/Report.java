package dev.lb.loadtest;

import dev.lb.loadtest.report.Goals;
import dev.lb.loadtest.report.Markdown;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** REPORT.md, written from results.json alone: every number in its prose comes from the run. */
final class Report {

  private final Markdown md = new Markdown();
  private final JsonObject results;

  private Report(JsonObject results) {
    this.results = results;
  }

  static void write(Path dir, JsonObject results) {
    Report report = new Report(results);
    report.build();
    try {
      Files.writeString(dir.resolve("REPORT.md"), report.md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report", e);
    }
  }

  private void build() {
    JsonObject machine = results.getJsonObject("machine");
    JsonObject settings = results.getJsonObject("settings");
    md.line("# Load balancer analysis").line("");
    md.line("Written by `java -jar loadtest/target/loadtest.jar` on %s: %d cores, %s, %s. Each measurement sends %d "
        + "`GET /home` requests with %d in flight on keep-alive connections, after %.1f s of warm-up load on a fresh "
        + "balancer (the JIT needs seconds); replicas use the `%s` backend; balancers: %s. The replica that answered each "
        + "request is read from its reply.", machine.getString("date"), machine.getInteger("cores"), machine.getString("java"),
        machine.getString("os"), settings.getInteger("requests"), settings.getInteger("concurrency"),
        settings.getLong("warmupMs") / 1000.0, settings.getString("backend"), settings.getString("target")).line("");
    Goals.analysisSection(md, results.getJsonObject("targets", new JsonObject()));
    a1();
    a2();
    a3();
    A4Section.write(md, results);
    remap();
  }

  private void a1() {
    JsonObject a1 = results.getJsonObject("a1");
    if (a1 == null) {
      return;
    }
    JsonObject run = a1.getJsonObject("run");
    JsonObject lat = run.getJsonObject("latencyMicros");
    JsonObject stats = a1.getJsonObject("stats");
    md.line("## A-1: %d requests on N = 3", run.getInteger("requests")).line("");
    md.line("![A-1](a1.png)").line("");
    md.line("Configuration: %s. The %d requests took %.0f ms (%d requests/s); latency p50 %d µs, p90 %d µs, p99 %d µs, "
        + "max %d µs; %d failed.", a1.getString("description"), run.getInteger("requests"), run.getDouble("wallMs"),
        run.getLong("requestsPerSecond"), lat.getLong("p50"), lat.getLong("p90"), lat.getLong("p99"), lat.getLong("max"),
        run.getLong("failed"));
    md.line("").line("| replica | requests | share |").line("|---|---|---|");
    JsonObject per = run.getJsonObject("perReplica");
    for (String r : per.fieldNames()) {
      md.line("| %s | %d | %.1f%% |", r, per.getLong(r), 100.0 * per.getLong(r) / run.getLong("requests"));
    }
    md.line("").line("The busiest replica handled %.2f× the mean load (the mean is %.0f).", stats.getDouble("maxOverMean"),
        stats.getDouble("mean")).line("");
  }

  private void a2() {
    JsonObject a2 = results.getJsonObject("a2");
    if (a2 == null) {
      return;
    }
    md.line("## A-2: N = 2 … 6").line("").line("![A-2](a2.png)").line("");
    md.line("Configuration: %s; the set grows through `POST /add`.", a2.getString("description")).line("");
    table(a2.getJsonArray("rows"));
  }

  private void table(JsonArray rows) {
    md.line("| N | mean | min | max | std | max / mean | failed |").line("|---|---|---|---|---|---|---|");
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      md.line("| %d | %.1f | %d | %d | %.1f | %.3f | %d |", r.getInteger("N"), r.getDouble("mean"), r.getLong("min"),
          r.getLong("max"), r.getDouble("std"), r.getDouble("maxOverMean"), r.getLong("failed"));
    }
    md.line("");
  }

  private void a3() {
    JsonObject a3 = results.getJsonObject("a3");
    if (a3 == null) {
      return;
    }
    md.line("## A-3: endpoints and failures").line("");
    JsonArray checks = a3.getJsonArray("endpoints");
    long passed = checks.stream().filter(c -> ((JsonObject) c).getBoolean("pass")).count();
    md.line("%d of %d endpoint checks passed.", passed, checks.size()).line("");
    md.line("| request | expected | got | |").line("|---|---|---|---|");
    for (Object o : checks) {
      JsonObject c = (JsonObject) o;
      md.line("| `%s` | %s | %d | %s |", c.getString("request"), c.getString("expected").replace("|", "\\|"),
          c.getInteger("status"), c.getBoolean("pass") ? "ok" : "**failed**");
    }
    md.line("");
    for (String kind : new String[] {"kill", "hang"}) {
      JsonObject d = a3.getJsonObject(kind);
      if (d != null) {
        disruption(kind, d);
      }
    }
  }

  /** One of A-3's disruptions: what was done, when it was seen and mended, and what the clients saw meanwhile. */
  private void disruption(String kind, JsonObject d) {
    JsonObject run = d.getJsonObject("run");
    md.line("### A replica %s under load", "kill".equals(kind) ? "killed" : "hung").line("");
    md.line("![A-3 %s](a3-%s.png)", kind, kind).line("");
    md.line("%s (replica '%s') %.1f s into a load of %d requests in flight. Detected after %s ms, replaced after %s ms "
        + "(its successor answering), `/rep` listing the successor after %s ms. Of %d requests, %d failed; latency p99 "
        + "%d µs, max %d µs.", d.getString("disruption"), d.getString("replica"), d.getDouble("atSeconds", 2.5),
        d.getInteger("concurrency", 16), d.getValue("detectMs"),
        d.getValue("replaceMs"), d.getValue("repBackMs"), run.getLong("requests"), run.getLong("failed"),
        run.getJsonObject("latencyMicros").getLong("p99"), run.getJsonObject("latencyMicros").getLong("max"));
    md.line("");
    md.line("kill".equals(kind)
        ? "The manager learns of the exit from the process itself; requests in flight on the dead replica fail to "
            + "connect or are reset, and the balancer retries each on the next replica clockwise. Throughput dips while "
            + "a new JVM starts on the same cores and the next replica clockwise, cold, takes the dead one's keys."
        : "A stopped process keeps its connections open, so only the heartbeat finds it (3 missed probes); requests "
            + "sent to it wait until the manager kills it, their connections reset and the balancer retries them "
            + "elsewhere: that wait is the maximum latency above.").line("");
  }

  private void remap() {
    JsonObject remap = results.getJsonObject("remap");
    if (remap == null) {
      return;
    }
    md.line("## remap: keys moved when the set changes").line("").line("![remap](remap.png)").line("");
    md.line("A fixed set of keys (`X-Key: user-0 … user-%d`, affinity by header) is mapped on N = 4, after `/add` of one "
        + "replica (ideal: 1/5 of keys move, all to it) and after `/rm` of Server 2 from the 5 (ideal: 1/5, its keys).",
        remap.getJsonArray("configs").getJsonObject(0).getInteger("keys") - 1).line("");
    md.line("| configuration | add: moved | ideal | ratio | remove: moved | ideal | ratio |").line("|---|---|---|---|---|---|---|");
    for (Object o : remap.getJsonArray("configs")) {
      JsonObject c = (JsonObject) o;
      JsonObject add = c.getJsonObject("add");
      JsonObject rm = c.getJsonObject("remove");
      md.line("| %s | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f |", c.getString("config"), add.getDouble("moved"),
          add.getDouble("ideal"), add.getDouble("ratio"), rm.getDouble("moved"), rm.getDouble("ideal"), rm.getDouble("ratio"));
    }
    md.line("");
    md.line("A ratio under 1 is not better than ideal: it means the changed replica owned less than its share of the keys "
        + "(the same imbalance A-4 shows).").line("");
  }
}
