package dev.lb.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ClientLoop;
import dev.lb.TestSystem;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.server.ServerSettings;
import dev.lb.server.ServerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The static backend in front of three replicas of the test's own (built-in servers on loopback ports, which the
 * balancer neither started nor stops): {@code /rep} lists them, {@code /add} and {@code /rm} answer 405 and change
 * nothing; one stopped under load is routed around with no failed request, and taken back once it answers again.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class StaticReplicasTest {

  private final List<String> deployments = new ArrayList<>();
  private final int[] ports = new int[3];

  /** Starts the server of id {@code id} on {@code port} (0: one the system picks); records its deployment and port. */
  private Future<Integer> server(Vertx vertx, int k, int port) {
    ServerVerticle server = new ServerVerticle(new ServerSettings(String.valueOf(101 + k), "127.0.0.1", port, 0));
    return vertx.deployVerticle(server).map(id -> {
      deployments.set(k, id);
      ports[k] = server.actualPort();
      return ports[k];
    });
  }

  private String address(int k) {
    return "127.0.0.1:" + ports[k];
  }

  private static Future<JsonObject> next(Vertx vertx, String address, String event, String replica) {
    Promise<JsonObject> heard = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address);
    consumer.handler(msg -> {
      if (replica.equals(ReplicaMessages.replica(msg.body())) && (event == null || event.equals(msg.body().getString("event")))) {
        heard.tryComplete(msg.body());
        consumer.unregister();
      }
    });
    return heard.future();
  }

  @Test
  void theirSetIsFixedAndAStoppedOneIsRoutedAroundAndBack(Vertx vertx, VertxTestContext ctx) {
    deployments.addAll(List.of("", "", ""));
    Future.all(server(vertx, 0, 0), server(vertx, 1, 0), server(vertx, 2, 0))
        .compose(v -> TestSystem.deployConfigured(vertx, TestSystem.config().put(ConfigKeys.BACKEND, "static")
            .put(ConfigKeys.REPLICA_ADDRESSES, address(0) + ", " + address(1) + "," + address(2))))
        .compose(system -> refused(system, ctx)
            .compose(v -> stopAndStartUnderLoad(vertx, system, ctx))
            .compose(v -> system.get("/rep")).map(rep -> {
              ctx.verify(() -> assertEquals(List.of(address(0), address(1), address(2)),
                  rep.bodyAsJsonObject().getJsonObject("message").getJsonArray("replicas").getList(), "/rep at the end"));
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** /add and /rm (DELETE and POST) answer 405 in the API's shape and change nothing. */
  private Future<Void> refused(TestSystem system, VertxTestContext ctx) {
    JsonObject three = new JsonObject().put("N", 3)
        .put("replicas", new JsonArray(List.of(address(0), address(1), address(2))));
    String rm = "{\"n\": 1, \"hostnames\": [\"" + address(1) + "\"]}";
    return system.get("/rep")
        .compose(rep -> {
          ctx.verify(() -> assertEquals(new JsonObject().put("message", three).put("status", "successful"),
              rep.bodyAsJsonObject()));
          return Future.all(system.send(HttpMethod.POST, "/add", "{\"n\": 1, \"hostnames\": [\"S5\"]}"),
              system.send(HttpMethod.DELETE, "/rm", rm), system.send(HttpMethod.POST, "/rm", rm));
        })
        .compose(all -> {
          for (int k = 0; k < 3; k++) {
            HttpResponse<Buffer> resp = all.resultAt(k);
            String path = k == 0 ? "/add" : "/rm";
            ctx.verify(() -> {
              assertEquals(405, resp.statusCode(), path + ": " + resp.bodyAsString());
              assertEquals("application/json", resp.getHeader("Content-Type"));
              assertEquals("", resp.getHeader("Allow"), "no method changes the set");
              JsonObject body = resp.bodyAsJsonObject();
              assertEquals("failure", body.getString("status"));
              assertEquals("<Error> Replicas are managed by the orchestrator (LB_REPLICA_ADDRESSES), not by this load "
                  + "balancer: " + path + " cannot change them", body.getString("message"));
            });
          }
          return system.get("/rep");
        })
        .map(rep -> {
          ctx.verify(() -> assertEquals(three, rep.bodyAsJsonObject().getJsonObject("message"), "nothing changed"));
          return null;
        });
  }

  /**
   * Under load: replica 2 stops (its server undeployed, as a crash or a restart by whoever runs it), the heartbeat marks
   * it down, it starts again on its port and is marked up; then some replies come from it again. No request fails.
   */
  private Future<Void> stopAndStartUnderLoad(Vertx vertx, TestSystem system, VertxTestContext ctx) {
    ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 8, Long.MAX_VALUE, 45_000);
    Future<JsonObject> down = next(vertx, Addresses.REPLICA_DOWN, null, address(1));
    Future<JsonObject> up = next(vertx, Addresses.REPLICA_UP, null, address(1));
    long[] stoppedAt = new long[1];
    return vertx.timer(300)
        .compose(t -> {
          stoppedAt[0] = System.nanoTime();
          return vertx.undeploy(deployments.get(1));
        })
        .compose(v -> down)
        .compose(event -> {
          System.out.printf("static: replica %s stopped; marked down after %d ms (%s)%n", address(1),
              (System.nanoTime() - stoppedAt[0]) / 1_000_000, ReplicaMessages.reason(event));
          return server(vertx, 1, ports[1]);
        })
        .compose(port -> up)
        .compose(event -> {
          System.out.printf("static: replica %s started again; marked up after %d ms in all%n", address(1),
              (System.nanoTime() - stoppedAt[0]) / 1_000_000);
          return answeredBy(vertx, system, "102", 10_000);
        })
        .compose(sent -> {
          System.out.printf("static: the restarted replica answered again within %d requests%n", sent);
          ctx.verify(() -> assertTrue(sent > 0, "no reply from the restarted replica within 10 s of its heartbeat's up"));
          return loop.stop();
        })
        .map(done -> {
          System.out.printf("static: %d requests under load, %d failed%n", done.ok() + done.failures().size(),
              done.failures().size());
          ctx.verify(() -> {
            assertEquals(List.of(), done.failures(), "failed requests while a replica was stopped and started");
            assertTrue(done.ok() > 0);
          });
          return null;
        });
  }

  /**
   * Sends requests (random keys) in rounds of 50, 200 ms apart, until replica {@code id} answers one, for at most
   * {@code maxMs} (an outlier ejection from its failed forwards may hold it out a little longer than its heartbeat);
   * how many requests were sent until then, or -1 if it answered none.
   */
  private static Future<Integer> answeredBy(Vertx vertx, TestSystem system, String id, long maxMs) {
    long deadline = System.currentTimeMillis() + maxMs;
    return round(vertx, system, id, 0, deadline);
  }

  private static Future<Integer> round(Vertx vertx, TestSystem system, String id, int sent, long deadline) {
    List<Future<Boolean>> replies = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      replies.add(system.get("/home").map(resp -> resp.bodyAsJsonObject().getString("message")
          .equals("Hello from Server: " + id)));
    }
    return Future.all(replies).compose(all -> {
      if (replies.stream().anyMatch(Future::result)) {
        return Future.succeededFuture(sent + 50);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.succeededFuture(-1);
      }
      return vertx.timer(200).compose(t -> round(vertx, system, id, sent + 50, deadline));
    });
  }
}
