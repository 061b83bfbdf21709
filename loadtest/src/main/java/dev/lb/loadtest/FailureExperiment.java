package dev.lb.loadtest;

import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Wait;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * every endpoint exercised with its reply checked; then a replica killed (SIGKILL) and another hung (SIGSTOP)
 * under load, with the time to detect and to replace read from the balancer's own log and {@code /rep}.
 */
final class FailureExperiment {

  private static final long LOAD_MS = 9_000;
  private static final long DISRUPT_AT_MS = 2_500;
  private static final int CONCURRENCY = 16;
  /** Detection and replacement times do not need a fully compiled balancer, only a running one. */
  private static final long WARMUP_MS = 2_000;

  private record Check(String request, int status, String expected, Predicate<JsonObject> body) { }

  private final LoadTest.Options options;
  private final Experiments experiments;
  private final PrintWriter out;

  FailureExperiment(LoadTest.Options options, Experiments experiments, PrintWriter out) {
    this.options = options;
    this.experiments = experiments;
    this.out = out;
  }

  JsonObject run() {
    JsonObject result = new JsonObject();
    try (Balancer b = experiments.open("a3-endpoints", Map.of("LB_REPLICAS", "3"))) {
      result.put("endpoints", endpoints(b));
    }
    if (options.target != null) {
      return result.put("note", "replica faults need a balancer this tool starts; skipped with --target");
    }
    result.put("kill", disrupt("kill"));
    if ("process".equals(options.backend)) {
      result.put("hang", disrupt("hang"));
    }
    return result;
  }

  private JsonArray endpoints(Balancer b) {
    JsonArray results = new JsonArray();
    for (Check check : checks(b.replicas().size())) {
      String[] parts = check.request().split(" ", 3);
      HttpResponse<Buffer> resp = b.send(HttpMethod.valueOf(parts[0]), parts[1], parts.length > 2 ? parts[2] : null);
      JsonObject body = resp.body() == null || resp.body().length() == 0 ? null : resp.bodyAsJsonObject();
      boolean pass = resp.statusCode() == check.status() && check.body().test(body);
      results.add(new JsonObject().put("request", check.request()).put("expected", check.status() + " " + check.expected())
          .put("status", resp.statusCode()).put("body", body == null ? "" : body.encode()).put("pass", pass));
      out.printf("A-3 %-4s %-48s -> %d%n", pass ? "ok" : "FAIL", check.request(), resp.statusCode());
    }
    out.flush();
    return results;
  }

  /** Every endpoint, with the status and body the assignment asks for, on a balancer of {@code n} replicas. */
  private static List<Check> checks(int n) {
    return List.of(
        new Check("GET /rep", 200, "N = " + n, m -> m.getJsonObject("message").getInteger("N") == n),
        new Check("GET /home", 200, "Hello from Server: <id>", m -> m.getString("message").startsWith("Hello from Server: ")),
        new Check("GET /heartbeat", 200, "empty body", m -> m == null),
        new Check("POST /add {\"n\": 2, \"hostnames\": [\"S5\"]}", 200, "N = " + (n + 2) + ", S5 listed",
            m -> m.getJsonObject("message").getInteger("N") == n + 2 && m.getJsonObject("message").getJsonArray("replicas").contains("S5")),
        new Check("POST /add {\"n\": 1, \"hostnames\": [\"A\", \"B\"]}", 400, "Length of hostname list is more than newly added instances",
            m -> m.getString("message").equals("<Error> Length of hostname list is more than newly added instances")),
        new Check("DELETE /rm {\"n\": 1, \"hostnames\": [\"S5\"]}", 200, "N = " + (n + 1) + ", S5 gone",
            m -> m.getJsonObject("message").getInteger("N") == n + 1 && !m.getJsonObject("message").getJsonArray("replicas").contains("S5")),
        new Check("POST /rm {\"n\": 1}", 200, "N = " + n, m -> m.getJsonObject("message").getInteger("N") == n),
        new Check("DELETE /rm {\"n\": 1, \"hostnames\": [\"A\", \"B\"]}", 400, "Length of hostname list is more than removable instances",
            m -> m.getString("message").equals("<Error> Length of hostname list is more than removable instances")),
        new Check("DELETE /rm {\"n\": 1, \"hostnames\": [\"nobody\"]}", 400, "Hostname 'nobody' does not exist",
            m -> m.getString("message").contains("'nobody' does not exist")),
        new Check("POST /add {\"n\": \"two\"}", 400, "'n' must be a positive integer", m -> m.getString("message").contains("'n' must be")),
        new Check("GET /other", 400, "'/other' endpoint does not exist in server replicas",
            m -> m.getString("message").equals("<Error> '/other' endpoint does not exist in server replicas")),
        new Check("GET /add", 405, "Method GET is not allowed", m -> m.getString("message").contains("not allowed")));
  }

  /** Load for {@link #LOAD_MS}; at {@link #DISRUPT_AT_MS} one replica is killed or hung. */
  private JsonObject disrupt(String kind) {
    try (Balancer b = experiments.open("a3-" + kind, Map.of("LB_REPLICAS", "3"))) {
      experiments.warm(b, WARMUP_MS);
      List<String> before = b.replicas();
      Future<Run> load = experiments.generator().run(experiments.home(b, Integer.MAX_VALUE, CONCURRENCY).lasting(LOAD_MS));
      Wait.pause(DISRUPT_AT_MS);
      long at = System.currentTimeMillis();
      String how = signal(b, kind);
      Replacement replacement = awaitReplacement(b, before, at);
      Run run = load.await();
      String victim = replacement.victim(before);
      JsonObject result = new JsonObject().put("disruption", how).put("replica", victim)
          .put("atSeconds", DISRUPT_AT_MS / 1000.0).put("concurrency", CONCURRENCY)
          .put("detectMs", loggedAfter(b, victim, "down", at)).put("replaceMs", loggedAfter(b, victim, "replaced", at))
          .put("repBackMs", replacement.backMs()).put("run", run.analysisJson())
          .put("timeline", run.timeline().toJson().put("disruptedAtMs", at - run.startMillis()));
      out.printf("A-3 %s: %s; detected after %s ms, replaced after %s ms, /rep back after %s ms; %d requests, %d failed, max latency %d us%n",
          kind, how, result.getValue("detectMs"), result.getValue("replaceMs"), replacement.backMs(), run.total(),
          run.errors(), run.latency().max());
      out.flush();
      return result;
    }
  }

  /** What {@code /rep} listed once a replica was replaced, and how long after the disruption (null: not in time). */
  private record Replacement(List<String> after, Long backMs) {

    /** The replica that is gone from the list, "?" if none is. */
    String victim(List<String> before) {
      List<String> gone = new ArrayList<>(before);
      gone.removeAll(after);
      return gone.isEmpty() ? "?" : gone.get(0);
    }
  }

  /** Polls {@code /rep} until it lists as many replicas as {@code before}, not the same ones, or the load ends. */
  private static Replacement awaitReplacement(Balancer b, List<String> before, long at) {
    List<List<String>> last = new ArrayList<>(List.of(before));
    boolean replaced = Wait.until(() -> {
      List<String> now = b.replicas();
      last.set(0, now);
      return now.size() == before.size() && !now.equals(before);
    }, LOAD_MS - (System.currentTimeMillis() - at), 20);
    return new Replacement(last.get(0), replaced ? System.currentTimeMillis() - at : null);
  }

  /**
   * Ms from {@code at} to the balancer's lifecycle line for {@code victim} saying {@code what}, or null: the lines read
   * {@code replica 'Server 2' (ring id 2, 127.0.0.1:41981) down: ...} and {@code ... replaced: by ...}.
   */
  private static Long loggedAfter(Balancer b, String victim, String what, long at) {
    Pattern line = Pattern.compile("replica '" + Pattern.quote(victim) + "' \\([^)]*\\) " + what);
    return b.logged(line, at).map(t -> t - at).orElse(null);
  }

  private String signal(Balancer b, String kind) {
    if ("docker".equals(options.backend)) {
      return docker(b, "kill");
    }
    ProcessHandle victim = b.replicaProcesses().get(0);
    if ("kill".equals(kind)) {
      victim.destroyForcibly();
      return "SIGKILL to replica process " + victim.pid();
    }
    try {
      new ProcessBuilder("kill", "-STOP", String.valueOf(victim.pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("cannot stop pid " + victim.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return "SIGSTOP to replica process " + victim.pid();
  }

  private static String docker(Balancer b, String command) {
    try {
      Process list = new ProcessBuilder("docker", "ps", "-q", "--filter", "label=dev.lb.owner=loadtest").start();
      String id = new String(list.getInputStream().readAllBytes()).lines().findFirst()
          .orElseThrow(() -> new IllegalStateException("no replica container to " + command));
      new ProcessBuilder("docker", command, id).start().waitFor();
      return "docker " + command + " " + id;
    } catch (IOException e) {
      throw new IllegalStateException("docker " + command + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
