package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.ClientLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The repository's docker-compose.dns.yml as a user runs it: Compose runs and scales the replica service, and the
 * balancer (LB_BACKEND=dns) follows the service's name through Docker's embedded DNS. Scaled 3 → 5 → 2 under load:
 * it follows each time (the time it took is printed, not asserted), the replicas listed before keep their ring ids,
 * and no request fails, on the way down included, where Compose stops a replica before its name stops listing it.
 * {@code down} leaves nothing of the project.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
class ComposeDnsIT {

  private final String project = DockerTestSupport.uniqueOwner("lbdns");
  private int port;
  private int adminPort;
  private Compose compose;

  @BeforeAll
  static void dockerAndCompose() throws Exception {
    DockerTestSupport.assumeDockerAndImage();
    Compose.assumeCompose();
  }

  private int compose(String... args) throws Exception {
    if (compose == null) {
      compose = new Compose(project, "docker-compose.dns.yml", Map.of("LB_PUBLISHED_PORT", String.valueOf(port),
          "LB_ADMIN_PUBLISHED_PORT", String.valueOf(adminPort), "IMAGE", DockerTestSupport.IMAGE));
    }
    return compose.run(args);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (compose != null) {
      compose("down", "--timeout", "10");
    }
  }

  @Test
  void theBalancerFollowsComposeScalingUnderLoadWithNoFailedRequest(Vertx vertx, VertxTestContext ctx) throws Exception {
    port = BalancerProcess.freePort();
    adminPort = BalancerProcess.freePort();
    WebClient client = WebClient.create(vertx);
    Map<String, Integer> before = new HashMap<>();
    ClientLoop[] loop = new ClientLoop[1];
    vertx.executeBlocking(() -> compose("up", "-d", "--no-build", "--scale", "replica=3"))
        .compose(code -> {
          ctx.verify(() -> assertEquals(0, code, "compose up"));
          return BalancerProcess.serving(vertx, port, 120_000, () -> true);
        })
        .compose(v -> ringIds(vertx, client, 3, 60_000))
        .compose(three -> warm(vertx, client, 60_000).map(three))
        .compose(three -> {
          before.putAll(three);
          loop[0] = ClientLoop.start(client, port, "/home", 8, Long.MAX_VALUE, 240_000);
          return scale(vertx, client, 5);
        })
        .compose(five -> {
          ctx.verify(() -> before.forEach((name, id) -> assertEquals(id, five.get(name), name + " keeps its ring id")));
          before.clear();
          before.putAll(five);
          return scale(vertx, client, 2);
        })
        .compose(two -> {
          ctx.verify(() -> two.forEach((name, id) -> assertEquals(before.get(name), id, name + " keeps its ring id")));
          return client.get(adminPort, "127.0.0.1", "/api/cluster").send();
        })
        .compose(cluster -> {
          JsonObject discovery = cluster.bodyAsJsonObject().getJsonObject("manager").getJsonObject("discovery");
          ctx.verify(() -> {
            assertEquals("DNS name replica", discovery.getString("source"));
            assertEquals("ok", discovery.getString("looking"));
            assertEquals(2, discovery.getInteger("listed"));
          });
          return loop[0].stop();
        })
        .compose(done -> {
          System.out.printf("compose dns: %d requests under load while scaled 3 -> 5 -> 2, %d failed%n",
              done.ok() + done.failures().size(), done.failures().size());
          ctx.verify(() -> {
            assertEquals(List.of(), done.failures(), "failed requests while Compose scaled the replicas");
            assertTrue(done.ok() > 0);
          });
          return vertx.executeBlocking(() -> {
            // what the balancer said of its replicas, for the record
            compose.logs("lb").lines().filter(l -> l.contains("replica '") || l.contains("look-up") || l.contains("lists"))
                .forEach(l -> System.out.println("compose dns: lb: " + l));
            return compose("down", "--timeout", "10");
          });
        })
        .compose(code -> vertx.executeBlocking(() -> leftOf(project)))
        .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
          assertEquals("", left, "containers and networks of the project after down");
          ctx.completeNow();
        })));
  }

  /**
   * Scales the replica service to {@code n} and waits until the balancer's name lists {@code n} replicas (its discovery
   * state on /api/cluster), then until it routes to {@code n} (the ring, which a new replica joins once it answers its
   * health path); prints when each came, after the command began and after it returned. Returns the names with their
   * ring ids.
   */
  private Future<Map<String, Integer>> scale(Vertx vertx, WebClient client, int n) {
    long began = System.nanoTime();
    long[] returned = new long[1];
    long[] listed = new long[1];
    Future<Void> seen = until(vertx, () -> client.get(adminPort, "127.0.0.1", "/api/cluster").timeout(2000).send()
        .map(resp -> resp.bodyAsJsonObject().getJsonObject("manager").getJsonObject("discovery").getInteger("listed") == n),
        60_000, "the name lists " + n).onSuccess(v -> listed[0] = System.nanoTime());
    return vertx.executeBlocking(() -> compose("up", "-d", "--no-build", "--no-recreate", "--scale", "replica=" + n))
        .compose(code -> {
          returned[0] = System.nanoTime();
          if (code != 0) {
            return Future.failedFuture("compose scale to " + n + " exited with " + code);
          }
          return seen.compose(v -> ringIds(vertx, client, n, 60_000));
        })
        .onSuccess(ids -> {
          long now = System.nanoTime();
          System.out.printf("compose dns: scaled to %d (the command took %d ms); listed by the name %+d ms and in the "
              + "ring %+d ms after the command returned%n", n, (returned[0] - began) / 1_000_000,
              (listed[0] - returned[0]) / 1_000_000, (now - returned[0]) / 1_000_000);
        });
  }

  /** Asks {@code check} every 100 ms until it answers true, for at most {@code timeoutMs}. */
  private static Future<Void> until(Vertx vertx, java.util.function.Supplier<Future<Boolean>> check, long timeoutMs,
      String what) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    ask(vertx, check, deadline, what, done);
    return done.future();
  }

  private static void ask(Vertx vertx, java.util.function.Supplier<Future<Boolean>> check, long deadline, String what,
      Promise<Void> done) {
    check.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        done.complete();
      } else if (System.currentTimeMillis() > deadline) {
        done.fail("not in time: " + what);
      } else {
        vertx.setTimer(100, t -> ask(vertx, check, deadline, what, done));
      }
    });
  }

  /** Polls the admin port's state every 100 ms until it lists {@code n} replicas; their names and ring ids. */
  private Future<Map<String, Integer>> ringIds(Vertx vertx, WebClient client, int n, long timeoutMs) {
    Promise<Map<String, Integer>> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    poll(vertx, client, n, deadline, done);
    return done.future();
  }

  private void poll(Vertx vertx, WebClient client, int n, long deadline, Promise<Map<String, Integer>> done) {
    client.get(adminPort, "127.0.0.1", "/api/state").timeout(2000).send().onComplete(ar -> {
      Map<String, Integer> ids = new HashMap<>();
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        ar.result().bodyAsJsonObject().getJsonArray("replicas").forEach(o -> {
          JsonObject card = (JsonObject) o;
          if (!"starting".equals(card.getString("state"))) {
            ids.put(card.getString("name"), card.getInteger("ringId"));
          }
        });
      }
      if (ids.size() == n) {
        done.complete(ids);
      } else if (System.currentTimeMillis() > deadline) {
        done.fail("the balancer did not list " + n + " replicas; last: " + ids);
      } else {
        vertx.setTimer(100, t -> poll(vertx, client, n, deadline, done));
      }
    });
  }

  /** Waits until 30 requests in a row succeed: every replica answers before the load begins. */
  private Future<Void> warm(Vertx vertx, WebClient client, long timeoutMs) {
    int[] inARow = new int[1];
    long timer = vertx.setPeriodic(50, t -> client.get(port, "127.0.0.1", "/home").timeout(2000).send()
        .onComplete(ar -> inARow[0] = ar.succeeded() && ar.result().statusCode() == 200 ? inARow[0] + 1 : 0));
    return BalancerProcess.until(vertx, () -> inARow[0] >= 30, timeoutMs, "30 requests in a row answered")
        .onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** What Docker still has of the compose project: its containers and networks, one per line ("" if none). */
  private static String leftOf(String project) throws Exception {
    StringBuilder left = new StringBuilder();
    for (List<String> cmd : List.of(
        List.of("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project),
        List.of("docker", "network", "ls", "-q", "--filter", "label=com.docker.compose.project=" + project))) {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      left.append(new String(p.getInputStream().readAllBytes()).trim());
      p.waitFor(30, TimeUnit.SECONDS);
    }
    return left.toString();
  }
}
