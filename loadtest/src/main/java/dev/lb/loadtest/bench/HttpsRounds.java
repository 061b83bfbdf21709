package dev.lb.loadtest.bench;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.load.Wrk;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Launch;
import dev.lb.loadtest.process.Loopback;
import dev.lb.loadtest.process.ProcStat;
import dev.lb.loadtest.process.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The HTTPS rounds ({@code --https}): a balancer serving HTTPS (its TLS engine as it chooses, BoringSSL where it
 * loads), HAProxy and nginx terminating TLS with the same certificate in front of the balancer's replicas, each driven
 * by wrk over TLS: with keep-alive (requests/s once connections are open), then with {@code Connection: close}, so that
 * every request is a new connection and a full handshake (wrk resumes no session): new connections per second. Rounds
 * interleaved as the plain ones; CPU per request from /proc, as there.
 */
final class HttpsRounds {

  static final String CLOSE = "Connection: close";

  private final BenchSettings settings;
  private final WebClient client;
  private final Path dir;
  private final Consumer<String> say;
  private final long ticksPerSecond = ProcStat.clockTicksPerSecond();

  HttpsRounds(BenchSettings settings, WebClient client, Consumer<String> say) {
    this.settings = settings;
    this.client = client;
    this.dir = settings.out().resolve("https");
    this.say = say;
  }

  JsonObject run() {
    Optional<Path> wrkExe = settings.generator().equals("jvm") ? Optional.empty() : Tools.find("wrk");
    if (wrkExe.isEmpty()) {
      return new JsonObject().put("error", "the HTTPS rounds need wrk");
    }
    BenchCertificate certificate = BenchCertificate.make(dir);
    Wrk wrk = new Wrk(wrkExe.get(), dir, settings.threads(), settings.connections());
    int tlsPort = Loopback.freePort();
    Balancer balancer = Balancer.startWithReplicas(settings.launch(), Map.of("LB_TLS_CERT", certificate.cert().toString(),
        "LB_TLS_KEY", certificate.key().toString(), "LB_TLS_PORT", String.valueOf(tlsPort)),
        dir.resolve("balancer-https.log"), client, Bench.REPLICAS);
    List<Proxies.Started> proxies = new ArrayList<>();
    List<Balancer> others = new ArrayList<>();
    try {
      List<Endpoint> replicas = balancer.replicaEndpoints();
      Endpoint secure = new Endpoint(balancer.host, tlsPort, balancer.endpoint().pid());
      List<Target> targets = new ArrayList<>();
      targets.add(Target.of("balancer", secure, () -> List.of(secure.pid()), replicas));
      settings.beforeJar().ifPresent(jar -> targets.add(before(jar, replicas, certificate, others)));
      targets.add(proxy("haproxy", replicas, certificate, proxies));
      targets.add(proxy("nginx", replicas, certificate, proxies));
      return drive(targets, wrk).put("balancerTls", engine(balancer)).put("certificate", "ECDSA P-256, self-signed");
    } finally {
      proxies.forEach(Proxies.Started::stop);
      others.forEach(Balancer::close);
      balancer.close();
    }
  }

  /** The --before-jar build terminating TLS alike, on the same replicas through its static backend. */
  private Target before(Path jar, List<Endpoint> replicas, BenchCertificate certificate, List<Balancer> started) {
    int port = Loopback.freePort();
    Map<String, String> env = Map.of("LB_BACKEND", "static",
        "LB_REPLICA_ADDRESSES", String.join(",", replicas.stream().map(Endpoint::address).toList()),
        "LB_TLS_CERT", certificate.cert().toString(), "LB_TLS_KEY", certificate.key().toString(),
        "LB_TLS_PORT", String.valueOf(port));
    try {
      Balancer other = Balancer.start(Launch.of(jar, settings.jvmOptions()), env, dir.resolve("before-https.log"), client);
      started.add(other);
      Endpoint secure = new Endpoint(other.host, port, other.endpoint().pid());
      return Target.of("before", secure, () -> List.of(secure.pid()), replicas);
    } catch (RuntimeException e) {
      say.accept("the before balancer did not start over HTTPS: " + e.getMessage());
      return Target.skipped("before", "skipped: " + e.getMessage());
    }
  }

  /** What the balancer's start-up line says of HTTPS: versions, protocols, TLS engine, certificate. */
  private String engine(Balancer balancer) {
    try {
      return java.nio.file.Files.readAllLines(dir.resolve("balancer-https.log")).stream()
          .filter(l -> l.contains("HTTPS on port")).findFirst()
          .map(l -> l.substring(l.indexOf("HTTPS on port"))).orElse("unknown");
    } catch (java.io.IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private Target proxy(String name, List<Endpoint> replicas, BenchCertificate tls, List<Proxies.Started> started) {
    Optional<Path> exe = Tools.find(name);
    if (exe.isEmpty()) {
      return Target.skipped(name, "skipped: not installed");
    }
    try {
      Proxies.Started proxy = name.equals("haproxy") ? Proxies.haproxy(exe.get(), dir, name + "-https", replicas, tls)
          : Proxies.nginx(exe.get(), dir, name + "-https", replicas, tls);
      started.add(proxy);
      return Target.of(name, proxy.endpoint(), proxy::pids, replicas);
    } catch (RuntimeException e) {
      return Target.skipped(name, "skipped: " + e.getMessage());
    }
  }

  private JsonObject drive(List<Target> targets, Wrk wrk) {
    JsonArray json = new JsonArray();
    targets.forEach(t -> json.add(new JsonObject().put("name", t.name).put("status", t.active() ? "ok" : t.skipped)
        .put("url", t.active() ? url(t.endpoint) : null).put("rounds", new JsonArray())));
    List<Target> active = targets.stream().filter(Target::active).toList();
    for (Target t : active) {
      say.accept("HTTPS warm-up: " + t.name + " for " + settings.warmupS() + " s");
      wrk.run(url(t.endpoint), settings.warmupS(), List.of());
    }
    for (int round = 1; round <= settings.rounds(); round++) {
      for (Target t : active) {
        JsonObject keepAlive = t.closedLoop((e, s) -> wrk.run(url(e), s, List.of()), settings.durationS(), ticksPerSecond);
        say.accept(String.format("HTTPS round %d, %s, keep-alive: %,d req/s, p99 %d us", round, t.name,
            keepAlive.getLong("requestsPerSecond"), keepAlive.getJsonObject("latencyUs").getLong("p99")));
        rounds(json, t).add(new JsonObject().put("round", round).put("keepAlive", keepAlive));
      }
      for (Target t : active) {
        JsonObject handshakes = t.closedLoop((e, s) -> wrk.run(url(e), s, List.of(CLOSE)), settings.durationS(),
            ticksPerSecond);
        say.accept(String.format("HTTPS round %d, %s, a new connection per request: %,d/s, p99 %d us", round, t.name,
            handshakes.getLong("requestsPerSecond"), handshakes.getJsonObject("latencyUs").getLong("p99")));
        JsonArray rounds = rounds(json, t);
        rounds.getJsonObject(rounds.size() - 1).put("newConnections", handshakes);
      }
    }
    json.forEach(t -> medians((JsonObject) t));
    return new JsonObject().put("targets", json);
  }

  static String url(Endpoint e) {
    return "https://" + e.address();
  }

  private static JsonArray rounds(JsonArray json, Target t) {
    return json.stream().map(JsonObject.class::cast).filter(o -> o.getString("name").equals(t.name)).findFirst()
        .orElseThrow().getJsonArray("rounds");
  }

  /** Medians over rounds of each kind of run: rate, p99, CPU per request, errors summed. */
  static void medians(JsonObject target) {
    JsonArray rounds = target.getJsonArray("rounds", new JsonArray());
    if (rounds.isEmpty()) {
      return;
    }
    JsonObject median = new JsonObject();
    for (String kind : List.of("keepAlive", "newConnections")) {
      List<JsonObject> runs = rounds.stream().map(r -> ((JsonObject) r).getJsonObject(kind)).filter(r -> r != null).toList();
      if (runs.isEmpty()) {
        continue;
      }
      JsonObject m = new JsonObject()
          .put("perSecond", Math.round(Summary.median(runs.stream().map(r -> r.getDouble("requestsPerSecond")).toList())))
          .put("p99Us", Math.round(Summary.median(runs.stream().map(r -> r.getJsonObject("latencyUs").getDouble("p99")).toList())))
          .put("errors", runs.stream().mapToLong(r -> r.getLong("errors")).sum());
      List<Double> cpu = runs.stream().filter(r -> r.getValue("cpuUsPerRequest") != null)
          .map(r -> r.getDouble("cpuUsPerRequest")).toList();
      if (!cpu.isEmpty()) {
        m.put("cpuUsPerRequest", Summary.median(cpu));
      }
      median.put(kind, m);
    }
    target.put("median", median);
  }

  /** The report's rows: per target, keep-alive and new-connection figures. */
  static List<List<String>> rows(JsonObject https) {
    List<List<String>> rows = new ArrayList<>();
    for (Object o : https.getJsonArray("targets", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      JsonObject m = t.getJsonObject("median");
      if (m == null) {
        rows.add(List.of(t.getString("name"), "-", "", "", "-", "", "", t.getString("status", "not measured")));
        continue;
      }
      JsonObject k = m.getJsonObject("keepAlive", new JsonObject());
      JsonObject n = m.getJsonObject("newConnections", new JsonObject());
      rows.add(List.of(t.getString("name"), fmt("%,d", k.getLong("perSecond")), ms(k.getLong("p99Us")), cpu(k),
          fmt("%,d", n.getLong("perSecond")), ms(n.getLong("p99Us")), cpu(n),
          k.getLong("errors", 0L) + " + " + n.getLong("errors", 0L)));
    }
    return rows;
  }

  static final List<String> HEADER = List.of("target", "keep-alive req/s", "p99 ms", "CPU µs/req",
      "new connections/s", "p99 ms", "CPU µs/conn", "errors");

  private static String cpu(JsonObject m) {
    return m.containsKey("cpuUsPerRequest") ? fmt("%.1f", m.getDouble("cpuUsPerRequest")) : "-";
  }

  private static String ms(Long us) {
    return us == null ? "" : dev.lb.loadtest.report.Markdown.ms(us);
  }

  private static String fmt(String format, Object value) {
    return value == null ? "" : dev.lb.loadtest.report.Markdown.fmt(format, value);
  }
}
