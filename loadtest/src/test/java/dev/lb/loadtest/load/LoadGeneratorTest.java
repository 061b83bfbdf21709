package dev.lb.loadtest.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The generator counts exactly what a stub server answered, and never has more requests in flight than asked; at a
 * fixed rate it counts every request it meant to send, answered or not. Counts only: no timing is asserted.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class LoadGeneratorTest {

  private HttpServer server;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();

  /** Request k (in arrival order) is answered by "Server (k mod 3 + 1)", except every 10th: a 503. */
  @BeforeEach
  void stub(Vertx vertx, VertxTestContext ctx) {
    server = vertx.createHttpServer().requestHandler(req -> {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      int k = served.getAndIncrement();
      String key = req.getHeader("X-Key");
      // answer a little later, so that requests really overlap
      vertx.setTimer(1 + k % 3, t -> {
        inFlight.decrementAndGet();
        if (k % 10 == 9) {
          req.response().setStatusCode(503).end("{\"message\":\"<Error> busy\",\"status\":\"failure\"}");
        } else {
          String id = key != null ? String.valueOf(Math.abs(key.hashCode() % 1000)) : String.valueOf(k % 3 + 1);
          req.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("message", "Hello from Server: " + id).put("status", "successful").encode());
        }
      });
    });
    server.listen(0, "127.0.0.1").onComplete(ctx.succeedingThenComplete());
  }

  private Endpoint target() {
    return new Endpoint("127.0.0.1", server.actualPort(), 0);
  }

  @Test
  void countsEveryReplyByReplicaAndStatus(Vertx vertx, VertxTestContext ctx) {
    LoadGenerator generator = new LoadGenerator(vertx, 16);
    generator.run(Plan.requests(target(), "/home", 3000, 8))
        .onComplete(ctx.succeeding(run -> ctx.verify(() -> {
          assertEquals(3000, run.total());
          assertEquals(300, run.errors());
          assertEquals(2700, run.ok());
          assertEquals(Map.of(200, 2700L, 503, 300L), run.perStatus());
          assertEquals(2700L, run.perReplica().values().stream().mapToLong(Long::longValue).sum());
          assertEquals(java.util.Set.of("Server 1", "Server 2", "Server 3"), run.perReplica().keySet(),
              "a reply's server id names the replica Server <id>");
          assertEquals(3000, run.latency().count());
          assertTrue(maxInFlight.get() <= 8, "in flight at most 8, saw " + maxInFlight.get());
          assertTrue(maxInFlight.get() >= 2, "requests overlap: " + maxInFlight.get());
          long buckets = java.util.stream.LongStream.of(run.timeline().ok()).sum()
              + java.util.stream.LongStream.of(run.timeline().failed()).sum();
          assertEquals(3000, buckets, "the timeline holds every request");
          generator.close();
          ctx.completeNow();
        })));
  }

  @Test
  void reportsWhichReplicaAnsweredEachKeyedRequest(Vertx vertx, VertxTestContext ctx) {
    LoadGenerator generator = new LoadGenerator(vertx, 4);
    String[] owners = new String[50];
    generator.run(Plan.requests(target(), "/home", 50, 4).withKeys("X-Key", k -> "user-" + k)
            .onReply((k, replica) -> owners[k] = replica))
        .onComplete(ctx.succeeding(run -> ctx.verify(() -> {
          for (int k = 0; k < 50; k++) {
            assertTrue(owners[k] == null || owners[k].equals("Server " + Math.abs(("user-" + k).hashCode() % 1000)),
                k + " -> " + owners[k]);
          }
          assertEquals(run.ok(), java.util.Arrays.stream(owners).filter(o -> o != null).count());
          generator.close();
          ctx.completeNow();
        })));
  }

  @Test
  void aTimedPlanStopsSendingAtItsDeadline(Vertx vertx, VertxTestContext ctx) {
    LoadGenerator generator = new LoadGenerator(vertx, 4);
    long began = System.currentTimeMillis();
    generator.run(Plan.requests(target(), "/home", Integer.MAX_VALUE, 4).lasting(300))
        .onComplete(ctx.succeeding(run -> ctx.verify(() -> {
          assertTrue(run.total() > 0);
          assertTrue(System.currentTimeMillis() - began < 5_000, "stopped near its deadline");
          generator.close();
          ctx.completeNow();
        })));
  }

  @Test
  void fixedRateAccountsForEveryRequestDue(Vertx vertx, VertxTestContext ctx) {
    LoadGenerator generator = new LoadGenerator(vertx, 8);
    generator.run(Plan.fixedRate(target(), 400, 500, 8)).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      long unsent = result.errorDetail().getLong("unsent");
      assertEquals(200, result.answered() + unsent, "200 requests due in 0.5 s at 400/s");
      assertEquals(served.get(), result.answered());
      assertEquals(served.get() / 10 + unsent, result.errors());
      assertTrue(result.latency().p50() > 0 && result.latency().p99() >= result.latency().p50());
      generator.close();
      ctx.completeNow();
    })));
  }

  @Test
  void closedLoopCountsAnswersAndFailures(Vertx vertx, VertxTestContext ctx) {
    LoadGenerator generator = new LoadGenerator(vertx, 4);
    generator.run(Plan.closedLoop(target(), 4, 300)).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertTrue(result.answered() > 0);
      assertEquals(served.get(), result.answered());
      assertEquals(served.get() / 10, result.errors());
      generator.close();
      ctx.completeNow();
    })));
  }
}
