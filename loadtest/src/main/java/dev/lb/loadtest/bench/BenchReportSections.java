package dev.lb.loadtest.bench;

import dev.lb.loadtest.report.Markdown;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The sections of bench.md after the main table: rounds, start-up and transfers. */
final class BenchReportSections {

  private BenchReportSections() {}

  static void rounds(Markdown md, JsonObject results) {
    md.text("## Rounds\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Object o : results.getJsonArray("targets", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      for (Object r : t.getJsonArray("rounds", new JsonArray())) {
        JsonObject round = (JsonObject) r;
        JsonObject closed = round.getJsonObject("closed");
        JsonObject fixed = round.getJsonObject("fixedRate", new JsonObject().put("latencyUs", new JsonObject()));
        rows.add(List.of(t.getString("name"), String.valueOf(round.getInteger("round")),
            Markdown.fmt("%,d", closed.getLong("requestsPerSecond")),
            Markdown.ms(closed.getJsonObject("latencyUs").getLong("p99")),
            fixed.getJsonObject("latencyUs").containsKey("p99") ? Markdown.ms(fixed.getJsonObject("latencyUs").getLong("p99")) : "",
            closed.containsKey("cpuUsPerRequest") ? String.valueOf(closed.getValue("cpuUsPerRequest")) : "-",
            String.valueOf(closed.getValue("replicaCpuUsPerRequest"))));
      }
    }
    md.table(List.of("target", "round", "req/s", "p99 ms", "fixed-rate p99 ms", "CPU µs/req",
        "replicas' CPU µs/req"), rows);
    md.text("\n");
  }

  static void startup(Markdown md, JsonObject startup) {
    md.text("## Start-up\n\n");
    if (startup == null || startup.containsKey("error")) {
      md.text("Not measured" + (startup == null ? "" : ": " + startup.getString("error")) + ".\n\n");
      return;
    }
    md.text(Markdown.fmt("A fresh balancer served, with its %d replicas listening, %.1f s after its JVM was "
        + "launched. Requests/s in each second of load after that: %s. Steady (median of the last %d s): %,d req/s; ",
        Bench.REPLICAS, startup.getLong("readyMs") / 1000.0,
        String.join(", ", startup.getJsonArray("requestsPerSecond").stream()
            .map(v -> String.valueOf(((Number) v).longValue())).toList()),
        Startup.STEADY_SECONDS, startup.getLong("steadyRequestsPerSecond")));
    if (startup.containsKey("secondsOfLoadTo90")) {
      md.text(Markdown.fmt("90 %% of it was first reached in second %d of load, %.1f s after the launch.\n\n",
          startup.getInteger("secondsOfLoadTo90"), startup.getDouble("secondsFromLaunchTo90")));
    } else {
      md.text("90 % of it was never reached.\n\n");
    }
    md.text("![start-up](bench-startup.png)\n\n");
  }

  static void transfers(Markdown md, JsonObject transfers) {
    if (transfers == null) {
      return;
    }
    md.text("## Large transfers\n\n");
    if (transfers.containsKey("error")) {
      md.text("Failed: " + transfers.getString("error") + "\n\n");
      return;
    }
    md.text(Markdown.fmt("curl, a %d MiB download (`GET /blob`) and a %d MiB upload (`POST /sink`, CRC-32 "
        + "checked) against blob-server replicas: through a balancer whose replicas they are, through HAProxy and nginx "
        + "(streaming both ways) in front of the same replicas, and directly, each after the bench's warm-up time of downloads "
        + "and uploads through it (the JVMs compile their hot paths meanwhile). RSS: the proxy's resident memory just "
        + "before the transfer and at its peak during it (every 100 ms). Heap: the balancer JVM's heap in use (jstat "
        + "-gc, every 200 ms), most during the transfer minus just before; old gen alike. Allocated: what the balancer "
        + "allocated on its heap per byte relayed (its own jvm_gc_memory_allocated_bytes_total).\n\n", transfers.getLong("downloadBytes") >> 20,
        transfers.getLong("uploadBytes") >> 20));
    List<List<String>> rows = new ArrayList<>();
    for (String target : List.of("balancer", "haproxy", "nginx", "direct")) {
      if (transfers.getValue(target) instanceof JsonObject t) {
        rows.add(transferRow(target, "download", t.getJsonObject("download")));
        rows.add(transferRow(target, "upload", t.getJsonObject("upload")));
      } else {
        rows.add(List.of(target, String.valueOf(transfers.getValue(target, "not measured")), "", "", "", "", ""));
      }
    }
    md.table(List.of("target", "transfer", "result", "MiB/s", "RSS MiB", "heap growth MiB", "allocated B/B"), rows);
    md.text("\n");
  }

  static void https(Markdown md, JsonObject https) {
    if (https == null) {
      return;
    }
    md.text("## HTTPS\n\n");
    if (https.containsKey("error")) {
      md.text("Not measured: " + https.getString("error") + "\n\n");
      return;
    }
    md.text(Markdown.fmt("The balancer (its start-up line: `%s`), HAProxy and nginx terminate TLS with one %s certificate in front of the "
        + "balancer's %d replicas (plain HTTP behind). wrk over TLS, same connections and threads as above: keep-alive "
        + "(requests/s on open connections), then `Connection: close`, so that each request is a new connection and a "
        + "full handshake (wrk resumes no session). Medians over rounds; CPU is the proxy's own per request (per "
        + "connection for the second). Errors: keep-alive + new connections.\n\n", https.getString("balancerTls", "?"),
        https.getString("certificate", "?"), Bench.REPLICAS));
    md.table(HttpsRounds.HEADER, HttpsRounds.rows(https));
    md.text("\n");
  }

  private static List<String> transferRow(String target, String kind, JsonObject r) {
    JsonObject heap = r.getJsonObject("heap");
    JsonObject rss = r.getJsonObject("rss");
    JsonObject allocated = r.getJsonObject("allocated");
    return List.of(target, kind, r.getBoolean("ok") ? "ok" : r.getString("error"),
        r.getBoolean("ok") ? String.valueOf(r.getValue("MiBps")) : "",
        rss == null ? "" : rss.getValue("startMiB") + " → " + rss.getValue("peakMiB") + " (+" + rss.getValue("growthMiB") + ")",
        heap == null ? "" : heap.containsKey("error") ? heap.getString("error")
            : heap.getValue("heapGrowthMiB") + " (old gen " + heap.getValue("oldGenGrowthMiB") + ")",
        allocated == null ? "" : String.valueOf(allocated.getValue("bytesPerByte", allocated.getString("error"))));
  }
}
