package dev.lb.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** REPORT.md, written from results.json alone: every number in its prose comes from the run. */
final class Report {

  private final StringBuilder md = new StringBuilder();
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

  private Report line(String format, Object... args) {
    md.append(String.format(Locale.ROOT, format, args)).append('\n');
    return this;
  }

  private void build() {
    JsonObject machine = results.getJsonObject("machine");
    JsonObject settings = results.getJsonObject("settings");
    line("# Load balancer analysis").line("");
    line("Written by `java -jar loadtest/target/loadtest.jar` on %s: %d cores, %s, %s. Each measurement sends %d "
        + "`GET /home` requests with %d in flight on keep-alive connections, after %.1f s of warm-up load on a fresh "
        + "balancer (the JIT needs seconds); replicas use the `%s` backend; balancers: %s. The replica that answered each "
        + "request is read from its reply.", machine.getString("date"), machine.getInteger("cores"), machine.getString("java"),
        machine.getString("os"), settings.getInteger("requests"), settings.getInteger("concurrency"),
        settings.getLong("warmupMs") / 1000.0, settings.getString("backend"), settings.getString("target")).line("");
    targets();
    a1();
    a2();
    a3();
    a4();
    remap();
  }

  private void targets() {
    JsonObject t = results.getJsonObject("targets", new JsonObject());
    if (t.isEmpty()) {
      return;
    }
    line("## Targets").line("").line("| goal | measured | |").line("|---|---|---|");
    for (String key : t.fieldNames()) {
      JsonObject g = t.getJsonObject(key);
      String detail = g.containsKey("best") ? " (" + g.getString("best") + ")" : g.containsKey("config") ? " (" + g.getString("config") + ")" : "";
      line("| %s | %s%s | %s |", g.getString("goal"), g.getValue("measured"), detail, g.getBoolean("pass") ? "met" : "**missed**");
    }
    line("");
  }

  private void a1() {
    JsonObject a1 = results.getJsonObject("a1");
    if (a1 == null) {
      return;
    }
    JsonObject run = a1.getJsonObject("run");
    JsonObject lat = run.getJsonObject("latencyMicros");
    JsonObject stats = a1.getJsonObject("stats");
    line("## A-1: %d requests on N = 3", run.getInteger("requests")).line("");
    line("![A-1](a1.png)").line("");
    line("Configuration: %s. The %d requests took %.0f ms (%d requests/s); latency p50 %d µs, p90 %d µs, p99 %d µs, "
        + "max %d µs; %d failed.", a1.getString("description"), run.getInteger("requests"), run.getDouble("wallMs"),
        run.getLong("requestsPerSecond"), lat.getLong("p50"), lat.getLong("p90"), lat.getLong("p99"), lat.getLong("max"),
        run.getLong("failed"));
    line("").line("| replica | requests | share |").line("|---|---|---|");
    JsonObject per = run.getJsonObject("perReplica");
    for (String r : per.fieldNames()) {
      line("| %s | %d | %.1f%% |", r, per.getLong(r), 100.0 * per.getLong(r) / run.getLong("requests"));
    }
    line("").line("The busiest replica handled %.2f× the mean load (the mean is %.0f).", stats.getDouble("maxOverMean"),
        stats.getDouble("mean")).line("");
  }

  private void a2() {
    JsonObject a2 = results.getJsonObject("a2");
    if (a2 == null) {
      return;
    }
    line("## A-2: N = 2 … 6").line("").line("![A-2](a2.png)").line("");
    line("Configuration: %s; the set grows through `POST /add`.", a2.getString("description")).line("");
    table(a2.getJsonArray("rows"));
  }

  private void table(JsonArray rows) {
    line("| N | mean | min | max | std | max / mean | failed |").line("|---|---|---|---|---|---|---|");
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      line("| %d | %.1f | %d | %d | %.1f | %.3f | %d |", r.getInteger("N"), r.getDouble("mean"), r.getLong("min"),
          r.getLong("max"), r.getDouble("std"), r.getDouble("maxOverMean"), r.getLong("failed"));
    }
    line("");
  }

  private void a3() {
    JsonObject a3 = results.getJsonObject("a3");
    if (a3 == null) {
      return;
    }
    line("## A-3: endpoints and failures").line("");
    JsonArray checks = a3.getJsonArray("endpoints");
    long passed = checks.stream().filter(c -> ((JsonObject) c).getBoolean("pass")).count();
    line("%d of %d endpoint checks passed.", passed, checks.size()).line("");
    line("| request | expected | got | |").line("|---|---|---|---|");
    for (Object o : checks) {
      JsonObject c = (JsonObject) o;
      line("| `%s` | %s | %d | %s |", c.getString("request"), c.getString("expected").replace("|", "\\|"),
          c.getInteger("status"), c.getBoolean("pass") ? "ok" : "**failed**");
    }
    line("");
    for (String kind : new String[] {"kill", "hang"}) {
      JsonObject d = a3.getJsonObject(kind);
      if (d == null) {
        continue;
      }
      JsonObject run = d.getJsonObject("run");
      line("### A replica %s under load", "kill".equals(kind) ? "killed" : "hung").line("");
      line("![A-3 %s](a3-%s.png)", kind, kind).line("");
      line("%s (replica '%s') %.1f s into a load of %d requests in flight. Detected after %s ms, replaced after %s ms "
          + "(its successor answering), `/rep` listing the successor after %s ms. Of %d requests, %d failed; latency p99 "
          + "%d µs, max %d µs.", d.getString("disruption"), d.getString("replica"), d.getDouble("atSeconds", 2.5),
          d.getInteger("concurrency", 16), d.getValue("detectMs"),
          d.getValue("replaceMs"), d.getValue("repBackMs"), run.getLong("requests"), run.getLong("failed"),
          run.getJsonObject("latencyMicros").getLong("p99"), run.getJsonObject("latencyMicros").getLong("max"));
      line("");
      line("kill".equals(kind)
          ? "The manager learns of the exit from the process itself; requests in flight on the dead replica fail to "
              + "connect or are reset, and the balancer retries each on the next replica clockwise. Throughput dips while "
              + "a new JVM starts on the same cores and the next replica clockwise, cold, takes the dead one's keys."
          : "A stopped process keeps its connections open, so only the heartbeat finds it (3 missed probes); requests "
              + "sent to it wait until the manager kills it, their connections reset and the balancer retries them "
              + "elsewhere: that wait is the maximum latency above.").line("");
    }
  }

  private void a4() {
    JsonObject a4 = results.getJsonObject("a4");
    if (a4 == null) {
      return;
    }
    line("## A-4: hash families and ring algorithms").line("").line("![A-4](a4.png)").line("");
    line("| configuration | A-1 max/mean (N=3) | A-1 requests/s | A-2 max/mean, N = 2 … 6 | worst |").line("|---|---|---|---|---|");
    for (Object o : a4.getJsonArray("configs")) {
      JsonObject c = (JsonObject) o;
      JsonArray rows = c.getJsonObject("a2").getJsonArray("rows");
      StringBuilder byN = new StringBuilder();
      rows.forEach(r -> byN.append(byN.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", ((JsonObject) r).getDouble("maxOverMean"))));
      line("| %s: %s | %.3f | %d | %s | %.3f |", c.getString("config"), c.getString("description"),
          c.getJsonObject("a1").getJsonObject("stats").getDouble("maxOverMean"),
          c.getJsonObject("a1").getJsonObject("run").getLong("requestsPerSecond"), byN, Targets.worst(rows));
    }
    line("");
    skew(a4.getJsonObject("skew"));
    bounded(a4);
    JsonObject balance = results.getJsonObject("targets", new JsonObject()).getJsonObject("balance");
    if (balance != null) {
      line("**Which is better:** `%s` has the most even load: its busiest replica is at most %.3f× the mean for every N "
          + "from 2 to 6, against %.3f for the assignment's functions. With %d requests spread over N replicas, chance "
          + "alone makes the busiest of 6 perfectly balanced replicas about 1 + 2.5 × √((N − 1) / %d) = %.3f× the mean "
          + "now and then: no choice made by hashing alone can promise better; one that looks at the counts can.",
          balance.getString("best"),
          balance.getDouble("measured"), worstOf(a4, "assignment"), results.getJsonObject("settings").getInteger("requests"),
          results.getJsonObject("settings").getInteger("requests"),
          1 + 2.5 * Math.sqrt(5.0 / results.getJsonObject("settings").getInteger("requests"))).line("");
    }
  }

  private void bounded(JsonObject a4) {
    double maglev = worstOf(a4, "maglev");
    double maglevBounded = worstOf(a4, "maglev-bounded");
    double ring = worstOf(a4, "murmur3");
    double ringBounded = worstOf(a4, "murmur3-bounded");
    if (Double.isNaN(maglev) || Double.isNaN(maglevBounded) || Double.isNaN(ring) || Double.isNaN(ringBounded)) {
      return;
    }
    line("**Bounded loads** %s the worst max/mean of the Murmur3 ring (K = 9) from %.3f to %.3f, and %s Maglev's from "
        + "%.3f to %.3f. The bound caps each replica's requests *in flight* at c × the mean: it moves a hot arc's excess "
        + "to the next replicas, which helps a ring with uneven arcs, but it also skips a replica that is momentarily "
        + "slower, which costs an already even table some evenness of *counts*. It protects replicas from hot keys and "
        + "slow moments; it does not make counts more even than Maglev does alone.",
        ringBounded < ring ? "lowered" : "raised", ring, ringBounded,
        maglevBounded < maglev ? "lowered" : "raised", maglev, maglevBounded).line("");
    double rate = worstOf(a4, "maglev-bounded-rate");
    if (!Double.isNaN(rate)) {
      line("Bounding the request *rate* instead (requests started in the last second, c = 1.02) bounds what A-2 counts: "
          + "Maglev's worst max/mean went from %.3f to %.3f. %s", maglev, rate, rate < maglev
          ? "A replica over 1.02× the mean in the last second passes its next keys on, so chance no longer decides the "
              + "busiest replica. The price is affinity: near the bound, keys move between replicas all the time, so "
              + "this suits the random request ids of the assignment, not sessions."
          : "It did not help here: the replicas' counts were already as even as the bound allows, and what it passes on "
              + "lands unevenly on the replicas next in each key's order.").line("");
    }
  }

  private static double worstOf(JsonObject a4, String name) {
    for (Object o : a4.getJsonArray("configs")) {
      JsonObject c = (JsonObject) o;
      if (c.getString("config").equals(name)) {
        return Targets.worst(c.getJsonObject("a2").getJsonArray("rows"));
      }
    }
    return Double.NaN;
  }

  private void skew(JsonObject skew) {
    JsonObject a = skew.getJsonObject("assignment");
    JsonObject s = skew.getJsonObject("seed");
    JsonObject m = skew.getJsonObject("murmur3");
    line("### Why the assignment's functions are skewed").line("");
    line("Computed exactly over all %d six-digit request ids, for N = 3 on M = 512, K = 9:", a.getLong("ids")).line("");
    line("- `H(i) = i² + 2i + 17 = (i + 1)² + 16 mod 512` can reach only **%d of the 512 slots**: squares modulo 512 take "
        + "few values. Murmur3 reaches %d.", a.getInteger("reachableSlots"), m.getInteger("reachableSlots"));
    line("- `Φ(i, j) = i² + j² + 2j + 25` puts all 27 virtual nodes between slots %d and %d (%s). A request slot past %d "
        + "wraps around to the first node, Server 1's: that is %.1f%% of all ids.", a.getInteger("firstNode"),
        a.getInteger("lastNode"), a.getJsonObject("virtualNodeSlots").encode(), a.getInteger("lastNode"),
        100 * a.getDouble("shareWrappingToFirstNode"));
    line("- So the ids split %s: the busiest replica gets %.2f× its fair share before any request is sent.",
        a.getJsonObject("shareOfIds").encode(), a.getDouble("expectedMaxOverMean"));
    line("- The seed's capped form is worse: `Φ(i, j) = i + j + 2^j + 25` puts replica i+1's nodes one slot after "
        + "replica i's, so every gap but the one before Server 1 is a single slot: shares %s, %.2f× the fair share.",
        s.getJsonObject("shareOfIds").encode(), s.getDouble("expectedMaxOverMean"));
    line("- Murmur3 on the same ring: shares %s (%.2f×): uniform slots, but 9 random nodes per replica leave uneven arcs, "
        + "which more nodes (K = 256) or a Maglev table even out.", m.getJsonObject("shareOfIds").encode(),
        m.getDouble("expectedMaxOverMean"));
    line("");
  }

  private void remap() {
    JsonObject remap = results.getJsonObject("remap");
    if (remap == null) {
      return;
    }
    line("## remap: keys moved when the set changes").line("").line("![remap](remap.png)").line("");
    line("A fixed set of keys (`X-Key: user-0 … user-%d`, affinity by header) is mapped on N = 4, after `/add` of one "
        + "replica (ideal: 1/5 of keys move, all to it) and after `/rm` of Server 2 from the 5 (ideal: 1/5, its keys).",
        remap.getJsonArray("configs").getJsonObject(0).getInteger("keys") - 1).line("");
    line("| configuration | add: moved | ideal | ratio | remove: moved | ideal | ratio |").line("|---|---|---|---|---|---|---|");
    for (Object o : remap.getJsonArray("configs")) {
      JsonObject c = (JsonObject) o;
      JsonObject add = c.getJsonObject("add");
      JsonObject rm = c.getJsonObject("remove");
      line("| %s | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f |", c.getString("config"), add.getDouble("moved"),
          add.getDouble("ideal"), add.getDouble("ratio"), rm.getDouble("moved"), rm.getDouble("ideal"), rm.getDouble("ratio"));
    }
    line("");
    line("A ratio under 1 is not better than ideal: it means the changed replica owned less than its share of the keys "
        + "(the same imbalance A-4 shows).").line("");
  }
}
