package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ClientLoop;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Twenty admin calls at once, valid and not, while load runs: every reply agrees with what happened, the final set
 * is what the successful calls add up to, and exactly the listed replicas run as processes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class AdminRaceTest {

  private record Call(HttpMethod method, String path, String body, String name) { }

  @Test
  void concurrentAddsAndRemovesKeepTheBooksStraight(Vertx vertx, VertxTestContext ctx) {
    List<Call> calls = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      calls.add(new Call(HttpMethod.POST, "/add", "{\"n\": 1, \"hostnames\": [\"R" + k + "\"]}", "R" + k));
    }
    for (int k = 0; k < 3; k++) {
      calls.add(new Call(HttpMethod.DELETE, "/rm", "{\"n\": 1, \"hostnames\": [\"R" + k + "\"]}", "R" + k));
    }
    calls.add(new Call(HttpMethod.POST, "/rm", "{\"n\": 1, \"hostnames\": [\"Server 3\"]}", "Server 3"));
    for (String invalid : List.of("{\"n\": 1, \"hostnames\": [\"A\", \"B\"]}", "{\"n\": 1, \"hostnames\": [\"Server 1\"]}",
        "{\"n\": 0}", "{\"n\": 1, \"hostnames\": [\"bad/name\"]}", "not json", "{\"n\": 40}")) {
      calls.add(new Call(HttpMethod.POST, "/add", invalid, null));
    }
    for (String invalid : List.of("{\"n\": 1, \"hostnames\": [\"nobody\"]}", "{\"n\": 50}", "{\"n\": -2}", "[]")) {
      calls.add(new Call(HttpMethod.DELETE, "/rm", invalid, null));
    }
    TestSystem.deployConfigured(vertx, TestSystem.config().put(ConfigKeys.BACKEND, "process").put(ConfigKeys.REPLICAS_MAX, 12))
        .compose(system -> {
          ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 8, 1_000_000, 120_000);
          List<Future<HttpResponse<Buffer>>> replies = calls.stream().map(c -> system.send(c.method(), c.path(), c.body())).toList();
          return Future.join(replies).compose(all -> loop.stop()).compose(finished -> system.get("/rep").map(rep -> {
            ctx.verify(() -> check(calls, replies, finished, rep.bodyAsJsonObject().getJsonObject("message")));
            return null;
          }));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static void check(List<Call> calls, List<Future<HttpResponse<Buffer>>> replies, ClientLoop load, JsonObject rep) {
    Set<String> expected = new TreeSet<>(List.of("Server 1", "Server 2", "Server 3"));
    Set<String> added = new TreeSet<>();
    Set<String> removed = new TreeSet<>();
    for (int k = 0; k < calls.size(); k++) {
      Call call = calls.get(k);
      HttpResponse<Buffer> resp = replies.get(k).result();
      JsonObject body = resp.bodyAsJsonObject();
      String what = call.method() + " " + call.path() + " " + call.body() + " -> " + resp.statusCode() + " " + body;
      assertTrue(resp.statusCode() == 200 || resp.statusCode() == 400, what);
      if (resp.statusCode() == 400) {
        assertTrue(body.getString("message").startsWith("<Error> "), what);
        continue;
      }
      assertTrue(call.name() != null, "only valid calls may succeed: " + what);
      boolean listed = body.getJsonObject("message").getJsonArray("replicas").contains(call.name());
      if (call.path().equals("/add")) {
        assertTrue(listed, "its reply lists what /add added: " + what);
        added.add(call.name());
      } else {
        assertFalse(listed, "its reply no longer lists what /rm removed: " + what);
        removed.add(call.name());
      }
    }
    assertTrue(added.containsAll(removed.stream().filter(n -> n.startsWith("R")).toList()),
        "a name can only have been removed after it was added: added " + added + ", removed " + removed);
    expected.addAll(added);
    expected.removeAll(removed);
    Set<String> listed = rep.getJsonArray("replicas").stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, listed, "/rep is what the successful calls add up to");
    assertEquals(listed.size(), ProcessChaosIT.replicaProcesses().size(), "exactly the listed replicas run");
    assertEquals(List.of(), load.failures(), "failed requests during the admin calls");
  }
}
