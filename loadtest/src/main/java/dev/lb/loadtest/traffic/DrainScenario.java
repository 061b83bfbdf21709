package dev.lb.loadtest.traffic;

import dev.lb.loadtest.load.Plan;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Wait;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Drain and back under 16 clients (see {@link #run}). */
final class DrainScenario {

  private static final int KEYS = 1000;
  private static final int CLIENTS = Lab.CLIENTS;

  private final Lab lab;

  DrainScenario(Lab lab) {
    this.lab = lab;
  }

  // ---- drain ---------------------------------------------------------------------------------------------------------

  /**
   * 16 clients send keys 0..999 in turn; {@code Server 2} is drained while they do, then made ready while they do:
   * every request must be answered, no key may reach it while it drains, and every key must be back with its owner.
   */
  JsonObject run() {
    try (Balancer b = lab.balancer("drain", Map.of("LB_KEY", "query:id"))) {
      lab.warm(b, 3_000);
      Map<Integer, String> before = new ConcurrentHashMap<>();
      long failed = owners(b, before).errors();
      Future<Run> first = lab.generator().run(keyed(b, Integer.MAX_VALUE).lasting(6_000));
      Wait.pause(2_000);
      int drained = patch(b, "Server 2", "{\"state\": \"drain\"}");
      failed += first.await().errors();
      Map<Integer, String> draining = new ConcurrentHashMap<>();
      failed += owners(b, draining).errors();
      Future<Run> second = lab.generator().run(keyed(b, Integer.MAX_VALUE).lasting(6_000));
      Wait.pause(2_000);
      int readied = patch(b, "Server 2", "{\"state\": \"ready\"}");
      Run last = second.await();
      failed += last.errors();
      Map<Integer, String> after = new ConcurrentHashMap<>();
      failed += owners(b, after).errors();
      long toDrained = draining.values().stream().filter("Server 2"::equals).count();
      long moved = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
      long owned = before.values().stream().filter("Server 2"::equals).count();
      lab.print().printf("drain: %d keys of 1000 were Server 2's; while drained it got %d of them; %d requests failed across "
          + "drain and ready (PATCH answered %d, %d); after ready %d keys differ from before%n", owned, toDrained, failed,
          drained, readied, moved);
      lab.print().flush();
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
    return lab.generator().run(keyed(b, KEYS).onReply((k, replica) -> {
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


}
