package dev.lb.loadtest.traffic;

import dev.lb.loadtest.load.LoadGenerator;
import dev.lb.loadtest.load.Plan;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Launch;
import dev.lb.loadtest.process.Wait;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** The live scenarios of {@link TrafficCommand}, each on a balancer of its own, stopped at its end. */
final class Scenarios {

  private static final int CLIENTS = 16;
  private static final int KEYS = 1000;
  /** Keys besides the hot one in the overload run; the hot one comes 10 times as often as each. */
  private static final int COLD_KEYS = 60;
  /** The share of its keys a warming replica takes at first (the balancer's {@code RoutingTable.SLOW_START_FLOOR}). */
  private static final double FLOOR = 0.1;

  private final Vertx vertx;
  private final WebClient client;
  private final Launch launch;
  private final Path out;
  private final PrintWriter print;
  private final LoadGenerator generator;

  Scenarios(Vertx vertx, WebClient client, Path jar, Path out, PrintWriter print) {
    this.vertx = vertx;
    this.client = client;
    this.launch = Launch.of(jar, Optional.empty());
    this.out = out;
    this.print = print;
    this.generator = new LoadGenerator(vertx, 128);
  }

  // ---- drain ---------------------------------------------------------------------------------------------------------

  /**
   * 16 clients send keys 0..999 in turn; {@code Server 2} is drained while they do, then made ready while they do:
   * every request must be answered, no key may reach it while it drains, and every key must be back with its owner.
   */
  JsonObject drain() {
    try (Balancer b = Balancer.start(launch, Map.of("LB_KEY", "query:id"), out.resolve("drain.log"), client)) {
      warm(b, 3_000);
      Map<Integer, String> before = new ConcurrentHashMap<>();
      long failed = owners(b, before).errors();
      Future<Run> first = generator.run(keyed(b, Integer.MAX_VALUE).lasting(6_000));
      Wait.pause(2_000);
      int drained = patch(b, "Server 2", "{\"state\": \"drain\"}");
      failed += first.await().errors();
      Map<Integer, String> draining = new ConcurrentHashMap<>();
      failed += owners(b, draining).errors();
      Future<Run> second = generator.run(keyed(b, Integer.MAX_VALUE).lasting(6_000));
      Wait.pause(2_000);
      int readied = patch(b, "Server 2", "{\"state\": \"ready\"}");
      Run last = second.await();
      failed += last.errors();
      Map<Integer, String> after = new ConcurrentHashMap<>();
      failed += owners(b, after).errors();
      long toDrained = draining.values().stream().filter("Server 2"::equals).count();
      long moved = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
      long owned = before.values().stream().filter("Server 2"::equals).count();
      print.printf("drain: %d keys of 1000 were Server 2's; while drained it got %d of them; %d requests failed across "
          + "drain and ready (PATCH answered %d, %d); after ready %d keys differ from before%n", owned, toDrained, failed,
          drained, readied, moved);
      print.flush();
      return new JsonObject().put("clients", CLIENTS).put("keysOwned", owned).put("keysToDrained", toDrained)
          .put("failed", failed).put("keysMovedAfterReady", moved).put("patchStatuses", new JsonArray(List.of(drained, readied)));
    }
  }

  /** Keys 0..999 cycled, key k as {@code ?id=k}. */
  private Plan keyed(Balancer b, int requests) {
    return new Plan(b.endpoint(), k -> "/home?id=" + (k % KEYS), null, CLIENTS, requests, 0, 0, 10_000, true, null);
  }

  /** Which replica answers each key once (every key asked once, by 16 clients). */
  private Run owners(Balancer b, Map<Integer, String> owners) {
    return generator.run(keyed(b, KEYS).onReply((k, replica) -> {
      if (replica != null) {
        owners.put(k % KEYS, replica);
      }
    })).await();
  }

  private static int patch(Balancer b, String name, String body) {
    HttpResponse<Buffer> resp = b.send(HttpMethod.PATCH, "/replicas/" + name.replace(" ", "%20"), body);
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("PATCH /replicas/" + name + " answered " + resp.statusCode() + ": " + resp.bodyAsString());
    }
    return resp.statusCode();
  }

  private void warm(Balancer b, long ms) {
    generator.run(Plan.closedLoop(b.endpoint(), CLIENTS, ms)).await();
  }

  // ---- slow start ----------------------------------------------------------------------------------------------------

  /**
   * At {@code rate} requests/s: a steady run (p99, the share of ring id 2), then ring id 2's replica is killed
   * (SIGKILL) and the replacement's share is read at each quarter of the window, as a fraction of the share it had,
   * against the ramp; with the p99 of the run after the kill and its failures.
   */
  JsonObject slowStart(long windowMs, int rate) {
    // an even ring (a third of the keys each), so that a second of replies shows a share to a few points
    Map<String, String> env = Map.of("LB_SLOW_START", windowMs + "ms", "LB_HASH", "murmur3", "LB_SLOTS", "65536",
        "LB_VNODES", "256");
    try (Balancer b = Balancer.start(launch, env, out.resolve("slowstart.log"), client)) {
      generator.run(Plan.fixedRate(b.endpoint(), rate, 15_000, 64)).await();
      Run steady = generator.run(countingRate(b, rate, 10_000, null)).await();
      double fullShare = steady.perReplica().getOrDefault("Server 2", 0L) / (double) steady.ok();
      long runMs = windowMs + 6_000;
      String[] byIndex = new String[(int) (rate * runMs / 1000)];
      Future<Run> load = generator.run(countingRate(b, rate, runMs, (k, replica) -> {
        if (k < byIndex.length) {
          byIndex[k] = replica;
        }
      }));
      Wait.pause(500);
      long killedAt = System.currentTimeMillis();
      long pid = kill(b, 2);
      long warmingFrom = awaitReplacement(b, 2, killedAt);
      Run after = load.await();
      long start = after.startMillis();
      JsonArray quarters = new JsonArray();
      double worst = 0;
      for (int q = 1; q <= 4; q++) {
        long at = warmingFrom + windowMs * q / 4;
        double share = shareAround(byIndex, start, rate, at, "Server 2");
        double ramp = fullShare == 0 ? 0 : share / fullShare;
        double expected = Math.min(1, FLOOR + (1 - FLOOR) * q / 4.0);
        worst = Math.max(worst, Math.abs(ramp - expected));
        quarters.add(new JsonObject().put("quarter", q).put("expected", expected).put("measured", ramp));
      }
      double p99Ratio = after.latency().p99() / (double) Math.max(1, steady.latency().p99());
      print.printf("slow start (%d s, %d req/s): replica of ring id 2 (pid %d) killed; its replacement warmed from %d ms "
          + "after; its share at the quarters %s (expected %s); worst %.1f pp off; %d of %d requests failed; p99 %.2f ms "
          + "after the kill against %.2f ms steady (%.2fx)%n", windowMs / 1000, rate, pid, warmingFrom - killedAt,
          quarters.stream().map(o -> String.format("%.2f", ((JsonObject) o).getDouble("measured"))).toList(),
          quarters.stream().map(o -> String.format("%.2f", ((JsonObject) o).getDouble("expected"))).toList(),
          worst * 100, after.errors(), after.total(), after.latency().p99() / 1000.0, steady.latency().p99() / 1000.0,
          p99Ratio);
      print.flush();
      return new JsonObject().put("windowMs", windowMs).put("rate", rate).put("fullShare", fullShare)
          .put("replacementWarmingAfterKillMs", warmingFrom - killedAt).put("quarters", quarters)
          .put("worstPp", worst * 100).put("failed", after.errors()).put("requests", after.total())
          .put("p99SteadyUs", steady.latency().p99()).put("p99AfterKillUs", after.latency().p99())
          .put("p99Ratio", p99Ratio);
    }
  }

  private static Plan countingRate(Balancer b, int rate, long ms, Plan.ReplyListener listener) {
    Plan plan = new Plan(b.endpoint(), Plan.RANDOM_ID, null, 64, Integer.MAX_VALUE, ms, rate, 10_000, true, null);
    return listener == null ? plan : plan.onReply(listener);
  }

  /** The share of {@code replica} among the replies to the requests due within a second of {@code at}. */
  private static double shareAround(String[] byIndex, long startMillis, int rate, long at, String replica) {
    int from = (int) Math.max(0, (at - 1000 - startMillis) * rate / 1000);
    int to = (int) Math.min(byIndex.length, (at + 1000 - startMillis) * rate / 1000);
    long mine = 0;
    long all = 0;
    for (int k = from; k < to; k++) {
      if (byIndex[k] != null) {
        all++;
        mine += byIndex[k].equals(replica) ? 1 : 0;
      }
    }
    return all == 0 ? 0 : mine / (double) all;
  }

  /** SIGKILLs the replica process of {@code ringId}, found by its instance in {@code GET /replicas}; its pid. */
  private static long kill(Balancer b, int ringId) {
    JsonObject replica = replicaOn(b, ringId);
    long pid = Long.parseLong(replica.getString("instance"));
    ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid)).destroyForcibly();
    return pid;
  }

  private static JsonObject replicaOn(Balancer b, int ringId) {
    return b.send(HttpMethod.GET, "/replicas", null).bodyAsJsonObject().getJsonArray("message").stream()
        .map(o -> (JsonObject) o).filter(r -> r.getInteger("ringId") == ringId).findFirst()
        .orElseThrow(() -> new IllegalStateException("no replica on ring id " + ringId));
  }

  /** Waits for a replacement on {@code ringId} that warms up; when it began to (epoch ms). */
  private static long awaitReplacement(Balancer b, int ringId, long since) {
    long[] from = {0};
    boolean replaced = Wait.until(() -> {
      String warming = replicaOn(b, ringId).getString("warmingFrom");
      long at = warming == null ? 0 : Instant.parse(warming).toEpochMilli();
      from[0] = at;
      return at >= since;
    }, 20_000, 50);
    if (!replaced) {
      throw new IllegalStateException("no replacement of ring id " + ringId + " warmed up within 20 s");
    }
    return from[0];
  }

  // ---- overload ------------------------------------------------------------------------------------------------------

  /**
   * Two runs in front of stub replicas of this JVM: every replica answering 503 (how many requests do they get for
   * each a client sends, with the retry budget and without), and replicas taking 20 ms each with
   * {@code LB_MAX_INFLIGHT=8}, {@code LB_MAX_QUEUE=8}, {@code LB_QUEUE_TIMEOUT=500ms} while one key is 10 times
   * hotter than each of 60 others, on an even ring (what the hot key's requests get, and how fast).
   */
  JsonObject overload() {
    JsonObject result = new JsonObject();
    for (String budget : List.of("20", "0")) {
      Stubs stubs = Stubs.start(vertx, 3, 503, 0);
      try (Balancer b = Balancer.start(launch, Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", stubs.addresses(),
          "LB_RETRY_BUDGET_PERCENT", budget), out.resolve("overload-503-" + budget + ".log"), client)) {
        Run run = generator.run(Plan.requests(b.endpoint(), "/home", 3000, CLIENTS)).await();
        long hits = stubs.homeHits();
        double ratio = hits / (double) run.total();
        print.printf("overload, every replica answering 503, LB_RETRY_BUDGET_PERCENT=%s: %d client requests, %d reached "
            + "replicas (%.2fx)%n", budget, run.total(), hits, ratio);
        result.put("all503Budget" + budget, new JsonObject().put("clientRequests", run.total()).put("replicaRequests", hits)
            .put("ratio", ratio));
      } finally {
        stubs.close();
      }
    }
    Stubs slow = Stubs.start(vertx, 3, 200, 20);
    try (Balancer b = Balancer.start(launch, Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", slow.addresses(),
        "LB_KEY", "query:id", "LB_HASH", "murmur3", "LB_SLOTS", "65536", "LB_VNODES", "256", "LB_MAX_INFLIGHT", "8", "LB_MAX_QUEUE", "8", "LB_QUEUE_TIMEOUT", "500ms"),
        out.resolve("overload-hot.log"), client)) {
      // the same load unmeasured first: a cold JVM's first seconds are not what this measures
      hotKey(b, 48, 4_000);
      result.put("hotKey", hotKey(b, 48, 6_000));
    } finally {
      slow.close();
    }
    print.flush();
    return result;
  }

  /**
   * {@code clients} closed loops for {@code ms}: key "hot" with weight 10, 60 others with weight 1 each; a client
   * that gets a 503 waits its {@code Retry-After} before the next request, as a polite one does.
   */
  private JsonObject hotKey(Balancer b, int clients, long ms) {
    Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong slowest503 = new AtomicLong();
    AtomicLong slowest200 = new AtomicLong();
    long end = System.nanoTime() + ms * 1_000_000;
    // a connection per client, so that all of them are at the balancer at once
    WebClient many = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(clients));
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      loops.add(loop(many, b, end, statuses, slowest503, slowest200));
    }
    Future.all(loops).await();
    many.close();
    Map<String, Long> counts = statuses.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(), (x, y) -> x, java.util.TreeMap::new));
    print.printf("overload, a hot key 10x each of 60 others, LB_MAX_INFLIGHT=8 LB_MAX_QUEUE=8 LB_QUEUE_TIMEOUT=500ms, "
        + "%d clients: %s; slowest 503 %.0f ms, slowest 200 %.0f ms%n", clients, counts, slowest503.get() / 1e6,
        slowest200.get() / 1e6);
    return new JsonObject().put("clients", clients).put("statuses", new JsonObject(new LinkedHashMap<>(counts)))
        .put("slowest503Ms", slowest503.get() / 1e6).put("slowest200Ms", slowest200.get() / 1e6);
  }

  private Future<Void> loop(WebClient many, Balancer b, long end, Map<String, AtomicLong> statuses, AtomicLong slowest503,
      AtomicLong slowest200) {
    if (System.nanoTime() >= end) {
      return Future.succeededFuture();
    }
    int pick = ThreadLocalRandom.current().nextInt(10 + COLD_KEYS);
    String key = pick < 10 ? "hot" : "k" + (pick - 9);
    long began = System.nanoTime();
    Promise<Void> next = Promise.promise();
    many.get(b.port, b.host, "/home?id=" + key).timeout(10_000).send().onComplete(ar -> {
      long took = System.nanoTime() - began;
      int status = ar.succeeded() ? ar.result().statusCode() : 0;
      String kind = (key.equals("hot") ? "hot " : "cold ") + status + " " + (ar.succeeded() ? replicaOf(ar.result()) : "-");
      statuses.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
      (status == 503 ? slowest503 : slowest200).accumulateAndGet(took, Math::max);
      // a polite client: after a 503 it waits as long as Retry-After says before its next request
      String retryAfter = ar.succeeded() ? ar.result().getHeader("Retry-After") : null;
      long pauseMs = status == 503 && retryAfter != null ? Long.parseLong(retryAfter.trim()) * 1000 : 0;
      Runnable again = () -> loop(many, b, end, statuses, slowest503, slowest200).onComplete(next);
      if (pauseMs > 0) {
        vertx.setTimer(pauseMs, t -> again.run());
      } else {
        again.run();
      }
    });
    return next.future();
  }

  /** The replica that answered (its {@code X-Replica}) or that was at capacity (named in the 503's message). */
  private static String replicaOf(HttpResponse<Buffer> resp) {
    String replica = resp.getHeader("X-Replica");
    if (replica != null) {
      return replica;
    }
    String message = resp.statusCode() == 503 ? resp.bodyAsJsonObject().getString("message", "") : "";
    int open = message.indexOf('\'');
    int close = open < 0 ? -1 : message.indexOf('\'', open + 1);
    return close < 0 ? "-" : message.substring(open + 1, close);
  }

  /** Replicas of this JVM: {@code /heartbeat} answers 200, {@code /home} {@code status} after {@code delayMs}. */
  private record Stubs(List<HttpServer> servers, AtomicLong hits) {

    static Stubs start(Vertx vertx, int count, int status, long delayMs) {
      AtomicLong hits = new AtomicLong();
      List<HttpServer> servers = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        int id = k + 1;
        String[] address = {""};
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
          if (req.path().equals("/heartbeat")) {
            req.response().end();
            return;
          }
          hits.incrementAndGet();
          Runnable answer = () -> req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
              .putHeader("X-Replica", address[0])
              .end(status == 200 ? "{\"message\":\"Hello from Server: " + id + "\",\"status\":\"successful\"}"
                  : "{\"message\":\"<Error> overloaded\",\"status\":\"failure\"}");
          if (delayMs > 0) {
            vertx.setTimer(delayMs, t -> answer.run());
          } else {
            answer.run();
          }
        }).listen(0, "127.0.0.1").await();
        address[0] = "127.0.0.1:" + server.actualPort();
        servers.add(server);
      }
      return new Stubs(servers, hits);
    }

    String addresses() {
      return servers.stream().map(s -> "127.0.0.1:" + s.actualPort()).collect(Collectors.joining(","));
    }

    long homeHits() {
      return hits.get();
    }

    void close() {
      servers.forEach(s -> s.close().await());
    }
  }
}
