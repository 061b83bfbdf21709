package dev.lb.loadtest.bench;

import dev.lb.loadtest.report.ChartStyle;
import dev.lb.loadtest.report.Charts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench's charts, from bench.json alone and in the report's style ({@link Charts}): requests/s per target, the
 * proxies' CPU per request, and a fresh balancer's requests/s second by second. The balancer's bar is in colour, the
 * others in grey: they are what it is compared with.
 */
final class BenchCharts {

  private BenchCharts() {}

  static void write(Path dir, JsonObject results) {
    Map<String, Double> rps = new LinkedHashMap<>();
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (Object o : results.getJsonArray("targets", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      JsonObject m = t.getJsonObject("median");
      if (m != null) {
        rps.put(t.getString("name"), m.getDouble("requestsPerSecond"));
        if (m.containsKey("cpuUsPerRequest")) {
          cpu.put(t.getString("name"), m.getDouble("cpuUsPerRequest"));
        }
      }
    }
    String rounds = "median of " + results.getJsonObject("settings", new JsonObject()).getInteger("rounds", 1) + " round(s)";
    Charts.bars(dir.resolve("bench.png"), new Charts.Labels("Bench: requests per second, closed loop",
        rounds + " · " + results.getString("generator") + " · every target in front of the same "
            + Bench.REPLICAS + " replicas", "target", "requests / s"), rps, colours(rps.keySet()), ChartStyle.thousands(), null);
    Charts.bars(dir.resolve("bench-cpu.png"), new Charts.Labels("Bench: CPU time of the proxy per request",
        rounds + " · utime + stime of its own processes: the balancer's JVM without its replicas, nginx's master and "
            + "workers", "target", "CPU µs per request"), cpu, colours(cpu.keySet()), ChartStyle.format("0.0"), null);
    JsonObject startup = results.getJsonObject("startup");
    if (startup != null && startup.containsKey("requestsPerSecond")) {
      startup(dir.resolve("bench-startup.png"), startup);
    }
  }

  /** The balancer in the first palette colour, every other target in grey. */
  private static List<Color> colours(Iterable<String> targets) {
    List<Color> colours = new ArrayList<>();
    targets.forEach(t -> colours.add("balancer".equals(t) ? ChartStyle.series(0) : ChartStyle.OTHER));
    return colours;
  }

  private static void startup(Path file, JsonObject startup) {
    JsonArray perSecond = startup.getJsonArray("requestsPerSecond");
    List<double[]> points = new ArrayList<>();
    for (int k = 0; k < perSecond.size(); k++) {
      points.add(new double[] {k + 1, perSecond.getDouble(k)});
    }
    long steady = startup.getLong("steadyRequestsPerSecond");
    Charts.timeline(file, new Charts.Labels("Bench: a fresh balancer's throughput, second by second",
        "serving " + ChartStyle.format("0.0").format(startup.getLong("readyMs") / 1000.0) + " s after launch · steady: "
            + ChartStyle.thousands().format(steady) + " requests / s, the median of the last " + Startup.STEADY_SECONDS
            + " s", "second of load after it served", "requests / s"),
        Map.of("fresh balancer", points), Map.of(), new Charts.Reference(Startup.SHARE * steady, "90 % of steady"));
  }
}
