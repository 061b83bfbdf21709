package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.lb.bus.ReplicaInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The forward path's own connections to a replica: reuse, the limit per replica, waiting, and giving up. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ReplicaPoolTest {

  private ReplicaInfo replica;
  private HttpClientAgent client;

  @BeforeEach
  void replica(Vertx vertx, VertxTestContext ctx) {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.response().end("ok"));
    client = vertx.createHttpClient();
    server.listen(0, "127.0.0.1").onComplete(ctx.succeeding(s -> {
      replica = new ReplicaInfo("S1", 1, "127.0.0.1", s.actualPort(), "x");
      ctx.completeNow();
    }));
  }

  /** Runs {@code test} on one event loop, as a balancer instance would. */
  private static void onLoop(Vertx vertx, Runnable test) {
    vertx.getOrCreateContext().runOnContext(v -> test.run());
  }

  @Test
  void aReleasedConnectionServesTheNextExchange(Vertx vertx, VertxTestContext ctx) {
    onLoop(vertx, () -> {
      ReplicaPool pool = new ReplicaPool(vertx, client, 2, 1000);
      pool.acquire(replica, 1000).compose(first -> {
        first.uses++;
        pool.release(first);
        return pool.acquire(replica, 1000).map(second -> {
          ctx.verify(() -> {
            assertSame(first, second, "the idle connection, not a new one");
            assertEquals(1, second.uses);
          });
          return second;
        });
      }).onComplete(ctx.succeedingThenComplete());
    });
  }

  @Test
  void atTheLimitAnExchangeWaitsForAConnectionAndGetsTheOneReleased(Vertx vertx, VertxTestContext ctx) {
    onLoop(vertx, () -> {
      ReplicaPool pool = new ReplicaPool(vertx, client, 1, 1000);
      pool.acquire(replica, 1000).onComplete(ctx.succeeding(first -> {
        Future<ReplicaPool.Lease> waiting = pool.acquire(replica, 1000);
        pool.release(first);
        waiting.onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertSame(first, second);
          ctx.completeNow();
        })));
      }));
    });
  }

  @Test
  void aWaitThatLastsLongerThanItsTimeoutFailsAndADiscardedConnectionMakesRoomForANewOne(Vertx vertx,
      VertxTestContext ctx) {
    onLoop(vertx, () -> {
      ReplicaPool pool = new ReplicaPool(vertx, client, 1, 1000);
      pool.acquire(replica, 1000).onComplete(ctx.succeeding(first -> pool.acquire(replica, 100)
          .onComplete(ctx.failing(err -> ctx.verify(() -> {
            assertInstanceOf(TimeoutException.class, err);
            Future<ReplicaPool.Lease> waiting = pool.acquire(replica, 1000);
            pool.discard(first);
            waiting.onComplete(ctx.succeeding(fresh -> ctx.verify(() -> {
              assertNotSame(first, fresh, "a new connection once the discarded one closed");
              ctx.completeNow();
            })));
          })))));
    });
  }

  @Test
  void aReplicaThatRefusesFailsTheAcquireAndKeepsNoPlace(Vertx vertx, VertxTestContext ctx) {
    ReplicaInfo gone = new ReplicaInfo("S9", 9, "127.0.0.1", 1, "x");
    onLoop(vertx, () -> {
      ReplicaPool pool = new ReplicaPool(vertx, client, 1, 1000);
      pool.acquire(gone, 1000).onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertInstanceOf(ConnectException.class, err.getCause() == null ? err : err.getCause());
        // the failed connect gave its place back: the next try connects again instead of waiting
        pool.acquire(gone, 200).onComplete(ctx.failing(again -> ctx.verify(() -> {
          assertInstanceOf(ConnectException.class, again.getCause() == null ? again : again.getCause());
          ctx.completeNow();
        })));
      })));
    });
  }
}
