package dev.lb.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.ClientLoop;
import dev.lb.TestSystem;
import dev.lb.bus.Addresses;
import dev.lb.bus.NodeMessages;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.server.ServerSettings;
import dev.lb.server.ServerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dns backend with a scripted resolver in front of servers of the test's own on loopback addresses (127.0.0.2 and
 * up, one port): the set follows what the name resolves to, under load, each replica keeping its ring id while listed;
 * replicas no longer listed (still running, as Kubernetes leaves them while they terminate) are drained before they
 * leave, so no request fails; a name that stops resolving keeps the last set and says so.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DnsFollowTest {

  private static final long REFRESH_MS = 100;

  /** What the name resolves to now; null: it does not resolve. */
  private volatile List<String> answer;
  private int port;
  private final Map<String, String> servers = new HashMap<>();

  private Future<Void> serve(Vertx vertx, int last) {
    String ip = "127.0.0." + last;
    return vertx.deployVerticle(new ServerVerticle(new ServerSettings(String.valueOf(last), ip, port, 0)))
        .onSuccess(id -> servers.put(ip, id)).mapEmpty();
  }

  private Future<Void> stop(Vertx vertx, int last) {
    return vertx.undeploy(servers.remove("127.0.0." + last));
  }

  private static Map<String, Integer> ids(List<ReplicaInfo> replicas) {
    return replicas.stream().collect(Collectors.toMap(ReplicaInfo::name, ReplicaInfo::ringId));
  }

  private static List<String> ips(int... lasts) {
    return java.util.Arrays.stream(lasts).mapToObj(k -> "127.0.0." + k).toList();
  }

  private String name(int last) {
    return "127.0.0." + last + ":" + port;
  }

  @Test
  void theSetFollowsTheNameUnderLoadWithNoFailedRequest(Vertx vertx, VertxTestContext ctx) throws Exception {
    port = BalancerProcess.freePort();
    answer = ips(2, 3, 4);
    JsonObject conf = TestSystem.config().put(ConfigKeys.BACKEND, "dns").put(ConfigKeys.REPLICA_DRAIN_MS, 3000L);
    long[] at = new long[1];
    ClientLoop[] loop = new ClientLoop[1];
    TestSystem[] sys = new TestSystem[1];
    Map<String, Integer> fiveIds = new HashMap<>();
    Future.all(serve(vertx, 2), serve(vertx, 3), serve(vertx, 4))
        .compose(v -> TestSystem.deploy(vertx, conf, v2 -> new DiscoveredBackend(v2, "DNS name replica",
            new DnsLookup("replica", port, name -> answer == null
                ? Future.failedFuture(new DnsException(DnsResponseCode.NXDOMAIN)) : Future.succeededFuture(answer)),
            REFRESH_MS, "/heartbeat", 5000)))
        .compose(system -> {
          sys[0] = system;
          return system.replicas();
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(Map.of(name(2), 1, name(3), 2, name(4), 3), ids(first)));
          loop[0] = ClientLoop.start(sys[0].client, sys[0].port(), "/home", 8, Long.MAX_VALUE, 50_000);
          return Future.all(serve(vertx, 5), serve(vertx, 6));
        })
        .compose(v -> {
          at[0] = System.nanoTime();
          answer = ips(6, 2, 5, 3, 4);
          return sys[0].awaitRep(rep -> rep.getInteger("N") == 5, 10_000);
        })
        .compose(rep -> {
          System.out.printf("dns (scripted): 3 -> 5 followed in %d ms%n", (System.nanoTime() - at[0]) / 1_000_000);
          return sys[0].replicas();
        })
        .compose(five -> {
          ctx.verify(() -> {
            Map<String, Integer> ids = ids(five);
            assertEquals(Map.of(name(2), 1, name(3), 2, name(4), 3), Map.of(name(2), ids.get(name(2)), name(3),
                ids.get(name(3)), name(4), ids.get(name(4))), "those listed before keep their ring ids");
            // the newcomers take the free ones in the order they answered
            assertEquals(java.util.Set.of(4, 5), java.util.Set.of(ids.get(name(5)), ids.get(name(6))));
          });
          fiveIds.putAll(ids(five));
          at[0] = System.nanoTime();
          answer = ips(2, 5);
          return sys[0].awaitRep(rep -> rep.getInteger("N") == 2, 10_000);
        })
        .compose(rep -> {
          System.out.printf("dns (scripted): 5 -> 2 followed in %d ms%n", (System.nanoTime() - at[0]) / 1_000_000);
          // they left the set and were drained: whoever runs them may stop them now
          return Future.all(stop(vertx, 3), stop(vertx, 4), stop(vertx, 6));
        })
        .compose(v -> sys[0].replicas())
        .compose(two -> {
          ctx.verify(() -> assertEquals(Map.of(name(2), 1, name(5), fiveIds.get(name(5))), ids(two)));
          answer = null;
          return vertx.timer(REFRESH_MS * 5);
        })
        .compose(t -> Future.all(sys[0].replicas(), vertx.eventBus().<JsonObject>request(Addresses.MANAGER_STATE,
            new JsonObject())))
        .compose(all -> {
          List<ReplicaInfo> kept = all.resultAt(0);
          JsonObject state = all.<io.vertx.core.eventbus.Message<JsonObject>>resultAt(1).body()
              .getJsonObject(NodeMessages.DISCOVERY);
          ctx.verify(() -> {
            assertEquals(Map.of(name(2), 1, name(5), fiveIds.get(name(5))), ids(kept), "the last set is kept");
            assertEquals("failing", state.getString("looking"));
            assertEquals("'replica' does not resolve (NXDOMAIN)", state.getString("error"));
            assertEquals("DNS name replica", state.getString("source"));
          });
          return loop[0].stop();
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          System.out.printf("dns (scripted): %d requests under load, %d failed%n", done.ok() + done.failures().size(),
              done.failures().size());
          assertEquals(List.of(), done.failures(), "failed requests while the set followed the name");
          assertTrue(done.ok() > 0);
          ctx.completeNow();
        })));
  }
}
