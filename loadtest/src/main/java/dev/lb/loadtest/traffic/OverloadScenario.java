package dev.lb.loadtest.traffic;

import dev.lb.loadtest.load.Plan;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.process.Balancer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** Overload in front of stub replicas (see {@link #run}). */
final class OverloadScenario {

  private static final int CLIENTS = Lab.CLIENTS;
  /** Keys besides the hot one in the overload run; the hot one comes 10 times as often as each. */
  private static final int COLD_KEYS = 60;

  private final Lab lab;

  OverloadScenario(Lab lab) {
    this.lab = lab;
  }

  // ---- overload ------------------------------------------------------------------------------------------------------

  /**
   * Two runs in front of stub replicas of this JVM: every replica answering 503 (how many requests do they get for
   * each a client sends, with the retry budget and without), and replicas taking 20 ms each with
   * {@code LB_MAX_INFLIGHT=8}, {@code LB_MAX_QUEUE=8}, {@code LB_QUEUE_TIMEOUT=500ms} while one key is 10 times
   * hotter than each of 60 others, on an even ring (what the hot key's requests get, and how fast).
   */
  JsonObject run() {
    JsonObject result = new JsonObject();
    for (String budget : List.of("20", "0")) {
      Stubs stubs = Stubs.start(lab.vertx(), 3, 503, 0);
      try (Balancer b = lab.balancer("overload-503-" + budget, Map.of("LB_BACKEND", "static",
          "LB_REPLICA_ADDRESSES", stubs.addresses(), "LB_RETRY_BUDGET_PERCENT", budget))) {
        Run run = lab.generator().run(Plan.requests(b.endpoint(), "/home", 3000, CLIENTS)).await();
        long hits = stubs.homeHits();
        double ratio = hits / (double) run.total();
        lab.print().printf("overload, every replica answering 503, LB_RETRY_BUDGET_PERCENT=%s: %d client requests, %d reached "
            + "replicas (%.2fx)%n", budget, run.total(), hits, ratio);
        result.put("all503Budget" + budget, new JsonObject().put("clientRequests", run.total()).put("replicaRequests", hits)
            .put("ratio", ratio));
      } finally {
        stubs.close();
      }
    }
    Stubs slow = Stubs.start(lab.vertx(), 3, 200, 20);
    try (Balancer b = lab.balancer("overload-hot", Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", slow.addresses(),
        "LB_KEY", "query:id", "LB_HASH", "murmur3", "LB_SLOTS", "65536", "LB_VNODES", "256", "LB_MAX_INFLIGHT", "8", "LB_MAX_QUEUE", "8", "LB_QUEUE_TIMEOUT", "500ms"))) {
      // the same load unmeasured first: a cold JVM's first seconds are not what this measures
      hotKey(b, 48, 4_000, false);
      result.put("hotKey", hotKey(b, 48, 6_000, true));
    } finally {
      slow.close();
    }
    lab.print().flush();
    return result;
  }

  /**
   * {@code clients} closed loops for {@code ms}: key "hot" with weight 10, 60 others with weight 1 each; a client
   * that gets a 503 waits its {@code Retry-After} before the next request, as a polite one does.
   */
  private JsonObject hotKey(Balancer b, int clients, long ms, boolean report) {
    Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    AtomicLong slowest503 = new AtomicLong();
    AtomicLong slowest200 = new AtomicLong();
    long end = System.nanoTime() + ms * 1_000_000;
    // a connection per client, so that all of them are at the balancer at once
    WebClient many = WebClient.create(lab.vertx(), new WebClientOptions(), new PoolOptions().setHttp1MaxSize(clients));
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      loops.add(loop(many, b, end, statuses, slowest503, slowest200));
    }
    Future.all(loops).await();
    many.close();
    Map<String, Long> counts = statuses.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(), (x, y) -> x, TreeMap::new));
    if (report) {
      lab.print().printf("overload, a hot key 10x each of 60 others, LB_MAX_INFLIGHT=8 LB_MAX_QUEUE=8 LB_QUEUE_TIMEOUT=500ms, "
          + "%d clients: %s; slowest 503 %.0f ms, slowest 200 %.0f ms%n", clients, counts, slowest503.get() / 1e6,
          slowest200.get() / 1e6);
    }
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
        lab.vertx().setTimer(pauseMs, t -> again.run());
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
