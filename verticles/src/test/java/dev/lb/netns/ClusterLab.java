package dev.lb.netns;

import dev.lb.BalancerProcess;
import dev.lb.ClientLoop;
import dev.lb.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A clustered system on several {@link Hosts}, as users run it: {@code java … Main} with {@code LB_CLUSTER=true} in
 * each host's namespace, clustered by the hosts' addresses, with the same ports on every host (balancer 5000, admin
 * 9901 open to the test, Hazelcast 5701, event bus 5801). The test JVM is a client on every host and watches every
 * node's {@code /api/cluster}, ten times a second, to count the managers acting at once.
 */
final class ClusterLab implements AutoCloseable {

  static final int HTTP_PORT = 5000;
  static final int ADMIN_PORT = 9901;
  static final String HAZELCAST_PORTS = "5701:5710";
  static final String BUS_PORT = "5801";

  final Hosts hosts;
  final Vertx vertx = Vertx.vertx();
  private final WebClient web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(1000));
  private final Context context = vertx.getOrCreateContext();
  private final String name;
  private final Map<Integer, JsonObject> lastSeen = new HashMap<>();
  private final Set<String> twoActing = new HashSet<>();
  private long watchTimer = -1;

  ClusterLab(String name, int nodes) {
    this.name = name;
    this.hosts = Hosts.create(nodes);
  }

  /** Starts a node on every host and waits until each serves the 3 replicas and one manager acts. */
  void start() {
    for (int host = 1; host <= hosts.count(); host++) {
      Map<String, String> env = Map.of("LB_CLUSTER", "true", "LB_CLUSTER_HOST", hosts.address(host),
          "LB_CLUSTER_MEMBERS", hosts.addresses(), "LB_CLUSTER_BUS_PORT", BUS_PORT, "LB_HOST", "0.0.0.0",
          "LB_PORT", String.valueOf(HTTP_PORT), "LB_ADMIN_HOST", "0.0.0.0", "LB_ADMIN_PORT", String.valueOf(ADMIN_PORT),
          "LB_INSTANCES", "1");
      hosts.start(host, env, Hosts.LOGS.resolve(name + "-node-" + host + ".log"));
    }
    for (int host = 1; host <= hosts.count(); host++) {
      int h = host;
      await(() -> rep(h).getInteger("N", 0) == 3, 90_000, "node " + host + " serves 3 replicas");
    }
    await(() -> actingNodes().size() == 1, 30_000, "one manager acts");
    watchTimer = onContext(() -> Future.succeededFuture(vertx.setPeriodic(100, t -> watch())));
  }

  /** One round of the watch: every node's {@code /api/cluster}; two acting with a quorum at once is recorded. */
  private void watch() {
    List<String> acting = new ArrayList<>();
    lastSeen.forEach((host, state) -> {
      if (state.getBoolean("quorum", false) && state.getJsonObject("manager") != null
          && state.getJsonObject("manager").getBoolean("acting", false)) {
        acting.add(host + "@" + state.getJsonObject("manager").getLong("epoch"));
      }
    });
    if (acting.size() > 1) {
      twoActing.add(String.join(", ", acting));
    }
    for (int host = 1; host <= hosts.count(); host++) {
      int h = host;
      web.get(ADMIN_PORT, hosts.address(host), "/api/cluster").timeout(400).send()
          .onSuccess(resp -> lastSeen.put(h, resp.bodyAsJsonObject()))
          .onFailure(err -> lastSeen.remove(h));
    }
  }

  /** The rounds of the watch in which two managers acted with a quorum (none, if all is well). */
  Set<String> twoActing() {
    return onContext(() -> Future.succeededFuture(Set.copyOf(twoActing)));
  }

  JsonObject cluster(int host) {
    return get(host, ADMIN_PORT, "/api/cluster").map(HttpResponse::bodyAsJsonObject).otherwise(new JsonObject()).await();
  }

  JsonObject rep(int host) {
    return get(host, HTTP_PORT, "/rep").map(resp -> resp.bodyAsJsonObject().getJsonObject("message"))
        .otherwise(new JsonObject()).await();
  }

  HttpResponse<Buffer> add(int host, String body) {
    return web.post(HTTP_PORT, hosts.address(host), "/add").timeout(10_000).sendBuffer(Buffer.buffer(body)).await();
  }

  private Future<HttpResponse<Buffer>> get(int host, int port, String path) {
    return web.get(port, hosts.address(host), path).timeout(3000).send();
  }

  /** The hosts whose manager acts now, with its epoch. */
  Map<Integer, Long> actingNodes() {
    Map<Integer, Long> acting = new HashMap<>();
    for (int host = 1; host <= hosts.count(); host++) {
      JsonObject manager = cluster(host).getJsonObject("manager");
      if (manager != null && manager.getBoolean("acting", false)) {
        acting.put(host, manager.getLong("epoch"));
      }
    }
    return acting;
  }

  /** The pids of the replica processes on every host. */
  Set<Long> replicas() {
    Set<Long> pids = new HashSet<>();
    for (int host = 1; host <= hosts.count(); host++) {
      hosts.processes(host).stream().filter(pid -> {
        String line = Hosts.commandLine(pid);
        return line.contains(" server ") && line.contains("--lease-ms");
      }).forEach(pids::add);
    }
    return pids;
  }

  /** Clients on every host: {@code concurrency} requests in flight to {@code /home} each, until stopped. */
  List<ClientLoop> clients(int concurrency) {
    List<ClientLoop> loops = new ArrayList<>();
    for (int host = 1; host <= hosts.count(); host++) {
      String address = hosts.address(host);
      loops.add(onContext(() -> Future.succeededFuture(ClientLoop.start(web, address, HTTP_PORT, "/home", concurrency,
          Long.MAX_VALUE, 600_000))));
    }
    return loops;
  }

  void stop(List<ClientLoop> loops) {
    loops.forEach(loop -> onContext(loop::stop));
  }

  /** Checks {@code condition} on the test's thread every 100 ms until it holds; fails after {@code timeoutMs}. */
  void await(BooleanSupplier condition, long timeoutMs, String what) {
    BalancerProcess.await(vertx, condition, timeoutMs, what);
  }

  /** Waits {@code ms} on the test's thread. */
  void pause(long ms) {
    vertx.timer(ms).await();
  }

  private <T> T onContext(Supplier<Future<T>> work) {
    return OnContext.run(context, work).await();
  }

  Path log(int host) {
    return Hosts.LOGS.resolve(name + "-node-" + host + ".log");
  }

  @Override
  public void close() {
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
    }
    hosts.close();
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the test's Vert.x did not close within 10 s", e);
    }
  }
}
