package dev.lb.loadtest.bench;

import dev.lb.loadtest.report.Goals;
import dev.lb.loadtest.report.Markdown;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The bench's results as a table for the terminal and as bench.md, every figure taken from bench.json. */
final class BenchReport {

  private static final List<String> HEADER = List.of("target", "req/s", "vs HAProxy", "vs direct", "p50 ms", "p99 ms",
      "p99.9 ms", "fixed-rate p99 ms", "p99 added over direct ms", "CPU µs/req", "RSS rest MiB", "RSS load MiB",
      "RSS transfers MiB", "errors");

  private BenchReport() {}

  /** One row per target: medians over rounds; skipped targets say why. */
  static List<List<String>> rows(JsonObject results) {
    List<List<String>> rows = new ArrayList<>();
    for (Object o : results.getJsonArray("targets", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      JsonObject m = t.getJsonObject("median");
      if (m == null) {
        rows.add(List.of(t.getString("name"), "-", "", "", "", "", "", "", "", "", "", "", "",
            t.getString("status", "not measured")));
        continue;
      }
      rows.add(List.of(t.getString("name"), Markdown.fmt("%,d", m.getLong("requestsPerSecond")), ratio(m.getValue("rpsVsHaproxy")),
          ratio(m.getValue("rpsVsDirect")), Markdown.ms(m.getLong("p50Us")), Markdown.ms(m.getLong("p99Us")), Markdown.ms(m.getLong("p999Us")),
          Markdown.ms(m.getLong("fixedP99Us")), m.containsKey("fixedP99AddedOverDirectUs") ? Markdown.ms(m.getLong("fixedP99AddedOverDirectUs")) : "",
          m.containsKey("cpuUsPerRequest") ? Markdown.fmt("%.1f", m.getDouble("cpuUsPerRequest")) : "-",
          mib(m, "rssRestMiB"), mib(m, "rssPeakLoadMiB"), m.containsKey("rssPeakTransfersMiB")
              ? mib(m, "rssPeakTransfersMiB") + " (+" + mib(m, "rssGrowthTransfersMiB") + ")" : "-",
          Markdown.fmt("%d + %d", m.getLong("errors"), m.getLong("fixedErrors"))));
    }
    return rows;
  }

  /** The table aligned in columns, for the terminal. */
  static String table(JsonObject results) {
    return table(HEADER, rows(results));
  }

  /** {@code rows} under {@code header}, aligned in columns; the last column holds a skipped target's reason. */
  static String table(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    int last = header.size() - 1;
    all.forEach(r -> {
      for (int c = 0; c < r.size(); c++) {
        // a skipped target's reason, in the last column, is not padded into the others
        if (c != last || r.get(1).length() > 1) {
          widths[c] = Math.max(widths[c], r.get(c).length());
        }
      }
    });
    StringBuilder out = new StringBuilder();
    for (List<String> r : all) {
      for (int c = 0; c < r.size(); c++) {
        String cell = r.get(c);
        out.append(c == 0 ? String.format("%-" + widths[c] + "s", cell)
            : cell.length() > widths[c] ? "  " + cell : String.format("  %" + widths[c] + "s", cell));
      }
      out.append('\n');
    }
    return out.toString();
  }

  static String markdown(JsonObject results) {
    Markdown md = new Markdown();
    JsonObject machine = results.getJsonObject("machine");
    JsonObject s = results.getJsonObject("settings");
    md.text("# Bench: the balancer against HAProxy, nginx and direct\n\n");
    md.line("`%s` on %s.", results.getString("command"), results.getString("date")).line("");
    md.line("Machine: %d cores, %s; %s; %s; %s; %s; %s.", machine.getInteger("cores"), machine.getString("kernel"),
        machine.getString("java"), machine.getString("haproxy"), machine.getString("nginx"), machine.getString("wrk"),
        machine.getString("curl")).line("");
    md.line("The balancer started by %s.", s.getString("launch", "java -jar")).line("");
    md.text(Markdown.fmt("Every target fronts the same %d replicas (the balancer's own, default configuration). Load: %s, "
        + "`GET /home?id=<random 6-digit id>` on keep-alive connections, %d s of warm-up per target (and one fixed-rate "
        + "run), then %d round(s) of %d s per target, interleaved; then a fixed rate of %,d req/s from a JVM generator "
        + "(at most as many requests in flight as connections) that counts latency from each request's intended send "
        + "time, so a stall counts for every request queued behind it; a request still waiting at the end counts as an "
        + "error (unsent). Figures are medians over rounds; per-round values are in bench.json. CPU is the proxy's own "
        + "(utime + stime from /proc: the balancer's JVM without its replicas; nginx's master and workers), per request; "
        + "RSS (resident memory of the same processes, sampled every 100 ms): at rest, just started; at its peak under "
        + "the request load (warm-up and rounds); at its peak during the large transfers, with the growth over just "
        + "before them. Errors: closed loop + fixed rate.\n\n", Bench.REPLICAS,
        results.getString("generator"), s.getInteger("warmupS"), s.getInteger("rounds"), s.getInteger("durationS"),
        s.getInteger("rate")));
    md.table(HEADER, rows(results));
    md.text("\n![requests per second](bench.png)\n\n![CPU per request](bench-cpu.png)\n\n");
    BenchReportSections.rounds(md, results);
    BenchReportSections.startup(md, results.getJsonObject("startup"));
    BenchReportSections.transfers(md, results.getJsonObject("transfers"));
    BenchReportSections.https(md, results.getJsonObject("https"));
    Goals.benchSection(md, results.getJsonArray("goals", new JsonArray()));
    return md.toString();
  }

  private static String mib(JsonObject median, String field) {
    return median.containsKey(field) ? Markdown.fmt("%.0f", median.getDouble(field)) : "-";
  }

  private static String ratio(Object value) {
    return value instanceof Number n ? Markdown.fmt("%.2f", n.doubleValue()) : "";
  }
}
