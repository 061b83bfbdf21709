package dev.lb.loadtest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The sections of bench.md after the main table: rounds, start-up, transfers and targets. */
final class BenchReportSections {

  private BenchReportSections() {}

  static void rounds(StringBuilder md, JsonObject results) {
    md.append("## Rounds\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Object o : results.getJsonArray("targets", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      for (Object r : t.getJsonArray("rounds", new JsonArray())) {
        JsonObject round = (JsonObject) r;
        JsonObject closed = round.getJsonObject("closed");
        JsonObject fixed = round.getJsonObject("fixedRate", new JsonObject().put("latencyUs", new JsonObject()));
        rows.add(List.of(t.getString("name"), String.valueOf(round.getInteger("round")),
            BenchReport.fmt("%,d", closed.getLong("requestsPerSecond")),
            BenchReport.ms(closed.getJsonObject("latencyUs").getLong("p99")),
            fixed.getJsonObject("latencyUs").containsKey("p99") ? BenchReport.ms(fixed.getJsonObject("latencyUs").getLong("p99")) : "",
            closed.containsKey("cpuUsPerRequest") ? String.valueOf(closed.getValue("cpuUsPerRequest")) : "-",
            String.valueOf(closed.getValue("replicaCpuUsPerRequest"))));
      }
    }
    BenchReport.appendTable(md, List.of("target", "round", "req/s", "p99 ms", "fixed-rate p99 ms", "CPU µs/req",
        "replicas' CPU µs/req"), rows);
    md.append('\n');
  }

  static void startup(StringBuilder md, JsonObject startup) {
    md.append("## Start-up\n\n");
    if (startup == null || startup.containsKey("error")) {
      md.append("Not measured").append(startup == null ? "" : ": " + startup.getString("error")).append(".\n\n");
      return;
    }
    md.append(BenchReport.fmt("A fresh balancer served, with its %d replicas listening, %.1f s after its JVM was "
        + "launched. Requests/s in each second of load after that: %s. Steady (median of the last %d s): %,d req/s; ",
        Bench.REPLICAS, startup.getLong("readyMs") / 1000.0,
        String.join(", ", startup.getJsonArray("requestsPerSecond").stream()
            .map(v -> String.valueOf(((Number) v).longValue())).toList()),
        Startup.STEADY_SECONDS, startup.getLong("steadyRequestsPerSecond")));
    if (startup.containsKey("secondsOfLoadTo90")) {
      md.append(BenchReport.fmt("90 %% of it was first reached in second %d of load, %.1f s after the launch.\n\n",
          startup.getInteger("secondsOfLoadTo90"), startup.getDouble("secondsFromLaunchTo90")));
    } else {
      md.append("90 % of it was never reached.\n\n");
    }
    md.append("![start-up](bench-startup.png)\n\n");
  }

  static void transfers(StringBuilder md, JsonObject transfers) {
    if (transfers == null) {
      return;
    }
    md.append("## Large transfers\n\n");
    if (transfers.containsKey("error")) {
      md.append("Failed: ").append(transfers.getString("error")).append("\n\n");
      return;
    }
    md.append(BenchReport.fmt("curl, a %d MiB download (`GET /blob`) and a %d MiB upload (`POST /sink`, CRC-32 "
        + "checked) against blob-server replicas: through a balancer whose replicas they are, through HAProxy in front "
        + "of the same replicas, and directly. Heap: the balancer JVM's heap in use (jstat -gc, every 200 ms), most "
        + "during the transfer minus just before; old gen alike.\n\n", transfers.getLong("downloadBytes") >> 20,
        transfers.getLong("uploadBytes") >> 20));
    List<List<String>> rows = new ArrayList<>();
    for (String target : List.of("balancer", "haproxy", "direct")) {
      if (!(transfers.getValue(target) instanceof JsonObject t)) {
        rows.add(List.of(target, String.valueOf(transfers.getValue(target, "not measured")), "", "", ""));
        continue;
      }
      for (String kind : List.of("download", "upload")) {
        JsonObject r = t.getJsonObject(kind);
        JsonObject heap = r.getJsonObject("heap");
        rows.add(List.of(target, kind, r.getBoolean("ok") ? "ok" : r.getString("error"),
            r.getBoolean("ok") ? String.valueOf(r.getValue("MiBps")) : "",
            heap == null ? "" : heap.containsKey("error") ? heap.getString("error")
                : heap.getValue("heapGrowthMiB") + " (old gen " + heap.getValue("oldGenGrowthMiB") + ")"));
      }
    }
    BenchReport.appendTable(md, List.of("target", "transfer", "result", "MiB/s", "heap growth MiB"), rows);
    md.append('\n');
  }

  /** A number as it reads best (12,345 or 61.62), anything else as it is, nothing for null. */
  static String figure(Object value) {
    if (value instanceof Number n) {
      double v = n.doubleValue();
      return Math.abs(v) >= 100 ? BenchReport.fmt("%,.0f", v) : BenchReport.fmt("%.2f", v);
    }
    return value == null ? "" : String.valueOf(value);
  }

  static void goals(StringBuilder md, JsonArray goals) {
    md.append("## Targets\n\nShown, never asserted: compare only figures taken in the same run (noise ±10–15 %).\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Object o : goals) {
      JsonObject g = (JsonObject) o;
      Boolean met = g.getBoolean("met");
      rows.add(List.of(g.getString("goal"), figure(g.getValue("balancer")), figure(g.getValue("reference")),
          met == null ? "" : met ? "met" : "**missed**"));
    }
    BenchReport.appendTable(md, List.of("target", "balancer", "reference", ""), rows);
    md.append('\n');
  }
}
