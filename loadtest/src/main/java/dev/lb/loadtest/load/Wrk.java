package dev.lb.loadtest.load;

import dev.lb.loadtest.process.Children;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Closed-loop load from {@code wrk} (a C program: it leaves the 2 cores to the targets far more than a JVM would). A
 * Lua script asks for {@code /home?id=<random 6-digit id>} and prints the figures as one JSON line when done.
 */
public final class Wrk {

  static final String MARK = "BENCH ";
  private static final String SCRIPT = """
      -- written by loadtest bench: a random 6-digit id per request; the figures as one JSON line at the end
      local threads = 0
      function setup(thread)
        threads = threads + 1
        thread:set("thread_id", threads)
      end
      function init(args)
        math.randomseed(os.time() * 1000 + (thread_id or 0))
      end
      function request()
        return wrk.format("GET", "/home?id=" .. math.random(100000, 999999))
      end
      local function n(x) return math.floor(x) end
      function done(summary, latency, requests)
        local e = summary.errors
        io.write(string.format('%s{"requests":%d,"durationUs":%d,'
          .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
          .. '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\\n',
          "MARK", n(summary.requests), n(summary.duration), n(e.connect), n(e.read), n(e.write), n(e.status),
          n(e.timeout), n(latency:percentile(50)), n(latency:percentile(90)), n(latency:percentile(99)),
          n(latency:percentile(99.9)), n(latency.max)))
      end
      """.replace("\"MARK\"", "\"" + MARK + "\"");

  private final Path wrk;
  private final Path script;
  private final Path output;
  private final int threads;
  private final int connections;

  /** A wrk at {@code wrk}, its script and output written into {@code dir}. */
  public Wrk(Path wrk, Path dir, int threads, int connections) {
    this.wrk = wrk;
    this.script = dir.resolve("wrk-home.lua");
    this.output = dir.resolve("wrk.out");
    this.threads = threads;
    this.connections = connections;
    try {
      Files.writeString(script, SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + script, e);
    }
  }

  /** Drives {@code target} for {@code seconds} (a whole number: wrk's own resolution) and returns what it measured. */
  public Run run(Endpoint target, int seconds) {
    return run(target.url(), seconds, List.of());
  }

  /**
   * Drives {@code baseUrl} ({@code http://} or {@code https://host:port}) for {@code seconds}, each request with
   * {@code headers} ({@code "Name: value"}) added: {@code Connection: close} makes every request a new connection.
   */
  public Run run(String baseUrl, int seconds, List<String> headers) {
    List<String> command = new java.util.ArrayList<>(List.of(wrk.toString(), "-t" + threads, "-c" + connections,
        "-d" + seconds + "s", "--timeout", "10s", "--latency", "-s", script.toString()));
    headers.forEach(h -> command.addAll(List.of("-H", h)));
    command.add(baseUrl + "/home");
    Process p = Children.start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()));
    if (!Children.await(p, (seconds + 30) * 1000L)) {
      throw new IllegalStateException("wrk did not finish within " + (seconds + 30) + " s");
    }
    try {
      return parse(Files.readString(output));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + output, e);
    }
  }

  /** The figures of wrk's output: the line the script printed. Status errors are answers; the other errors are not. */
  public static Run parse(String output) {
    String line = output.lines().filter(l -> l.startsWith(MARK)).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("no figures in wrk's output: " + tail(output)));
    JsonObject json = new JsonObject(line.substring(MARK.length()));
    JsonObject errors = json.getJsonObject("errors");
    long badStatus = errors.getLong("status", 0L);
    long unanswered = errors.fieldNames().stream().mapToLong(errors::getLong).sum() - badStatus;
    JsonObject lat = json.getJsonObject("latencyUs");
    long requests = json.getLong("requests");
    Latency latency = new Latency(requests, lat.getLong("p50"), lat.getLong("p90"), lat.getLong("p99"),
        lat.getLong("p999"), lat.getLong("max"));
    return new Run(requests, unanswered, badStatus, errors, json.getLong("durationUs"), latency, Map.of(), Map.of(), null, 0);
  }

  private static String tail(String text) {
    return text.length() <= 400 ? text.strip() : "..." + text.substring(text.length() - 400).strip();
  }
}
