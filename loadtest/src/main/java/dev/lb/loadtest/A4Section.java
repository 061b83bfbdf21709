package dev.lb.loadtest;

import dev.lb.loadtest.report.Goals;
import dev.lb.loadtest.report.Markdown;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * REPORT.md's A-4 section, from results.json alone: every hash family and ring algorithm side by side, why the
 * assignment's functions are skewed (from the exact offline analysis), and what bounded loads did.
 */
final class A4Section {

  private A4Section() {}

  /** The A-4 section of REPORT.md, if results.json has A-4. */
  static void write(Markdown md, JsonObject results) {
    JsonObject a4 = results.getJsonObject("a4");
    if (a4 == null) {
      return;
    }
    table(md, a4);
    skew(md, a4.getJsonObject("skew"));
    bounded(md, a4);
    better(md, a4, results);
  }

  private static void table(Markdown md, JsonObject a4) {
    md.line("## A-4: hash families and ring algorithms").line("").line("![A-4](a4.png)").line("");
    md.line("| configuration | A-1 max/mean (N=3) | A-1 requests/s | A-2 max/mean, N = 2 … 6 | worst |").line("|---|---|---|---|---|");
    for (Object o : a4.getJsonArray("configs")) {
      JsonObject c = (JsonObject) o;
      JsonArray rows = c.getJsonObject("a2").getJsonArray("rows");
      StringBuilder byN = new StringBuilder();
      rows.forEach(r -> byN.append(byN.length() == 0 ? "" : ", ").append(Markdown.fmt("%.3f", ((JsonObject) r).getDouble("maxOverMean"))));
      md.line("| %s: %s | %.3f | %d | %s | %.3f |", c.getString("config"), c.getString("description"),
          c.getJsonObject("a1").getJsonObject("stats").getDouble("maxOverMean"),
          c.getJsonObject("a1").getJsonObject("run").getLong("requestsPerSecond"), byN, Goals.worst(rows));
    }
    md.line("");
  }

  /** Which configuration is the most even, and why no choice by hashing alone can be more even than chance allows. */
  private static void better(Markdown md, JsonObject a4, JsonObject results) {
    JsonObject balance = results.getJsonObject("targets", new JsonObject()).getJsonObject("balance");
    if (balance != null) {
      md.line("**Which is better:** `%s` has the most even load: its busiest replica is at most %.3f× the mean for every N "
          + "from 2 to 6, against %.3f for the assignment's functions. With %d requests spread over N replicas, chance "
          + "alone makes the busiest of 6 perfectly balanced replicas about 1 + 2.5 × √((N − 1) / %d) = %.3f× the mean "
          + "now and then: no choice made by hashing alone can promise better; one that looks at the counts can.",
          balance.getString("best"),
          balance.getDouble("measured"), worstOf(a4, "assignment"), results.getJsonObject("settings").getInteger("requests"),
          results.getJsonObject("settings").getInteger("requests"),
          1 + 2.5 * Math.sqrt(5.0 / results.getJsonObject("settings").getInteger("requests"))).line("");
    }
  }

  private static void bounded(Markdown md, JsonObject a4) {
    double maglev = worstOf(a4, "maglev");
    double maglevBounded = worstOf(a4, "maglev-bounded");
    double ring = worstOf(a4, "murmur3");
    double ringBounded = worstOf(a4, "murmur3-bounded");
    if (Double.isNaN(maglev) || Double.isNaN(maglevBounded) || Double.isNaN(ring) || Double.isNaN(ringBounded)) {
      return;
    }
    md.line("**Bounded loads** %s the worst max/mean of the Murmur3 ring (K = 9) from %.3f to %.3f, and %s Maglev's from "
        + "%.3f to %.3f. The bound caps each replica's requests *in flight* at c × the mean: it moves a hot arc's excess "
        + "to the next replicas, which helps a ring with uneven arcs, but it also skips a replica that is momentarily "
        + "slower, which costs an already even table some evenness of *counts*. It protects replicas from hot keys and "
        + "slow moments; it does not make counts more even than Maglev does alone.",
        ringBounded < ring ? "lowered" : "raised", ring, ringBounded,
        maglevBounded < maglev ? "lowered" : "raised", maglev, maglevBounded).line("");
    double rate = worstOf(a4, "maglev-bounded-rate");
    if (!Double.isNaN(rate)) {
      md.line("Bounding the request *rate* instead (requests started in the last second, c = 1.02) bounds what A-2 counts: "
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
        return Goals.worst(c.getJsonObject("a2").getJsonArray("rows"));
      }
    }
    return Double.NaN;
  }

  private static void skew(Markdown md, JsonObject skew) {
    JsonObject a = skew.getJsonObject("assignment");
    JsonObject s = skew.getJsonObject("seed");
    JsonObject m = skew.getJsonObject("murmur3");
    md.line("### Why the assignment's functions are skewed").line("");
    md.line("Computed exactly over all %d six-digit request ids, for N = 3 on M = 512, K = 9:", a.getLong("ids")).line("");
    md.line("- `H(i) = i² + 2i + 17 = (i + 1)² + 16 mod 512` can reach only **%d of the 512 slots**: squares modulo 512 take "
        + "few values. Murmur3 reaches %d.", a.getInteger("reachableSlots"), m.getInteger("reachableSlots"));
    md.line("- `Φ(i, j) = i² + j² + 2j + 25` puts all 27 virtual nodes between slots %d and %d (%s). A request slot past %d "
        + "wraps around to the first node, Server 1's: that is %.1f%% of all ids.", a.getInteger("firstNode"),
        a.getInteger("lastNode"), a.getJsonObject("virtualNodeSlots").encode(), a.getInteger("lastNode"),
        100 * a.getDouble("shareWrappingToFirstNode"));
    md.line("- So the ids split %s: the busiest replica gets %.2f× its fair share before any request is sent.",
        a.getJsonObject("shareOfIds").encode(), a.getDouble("expectedMaxOverMean"));
    md.line("- The seed's capped form is worse: `Φ(i, j) = i + j + 2^j + 25` puts replica i+1's nodes one slot after "
        + "replica i's, so every gap but the one before Server 1 is a single slot: shares %s, %.2f× the fair share.",
        s.getJsonObject("shareOfIds").encode(), s.getDouble("expectedMaxOverMean"));
    md.line("- Murmur3 on the same ring: shares %s (%.2f×): uniform slots, but 9 random nodes per replica leave uneven arcs, "
        + "which more nodes (K = 256) or a Maglev table even out.", m.getJsonObject("shareOfIds").encode(),
        m.getDouble("expectedMaxOverMean"));
    md.line("");
  }
}
