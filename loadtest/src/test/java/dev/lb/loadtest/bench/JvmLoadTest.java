package dev.lb.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JVM generator counts every request it meant to send, answered or not. Counts only: no timing is asserted. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class JvmLoadTest {

  private HttpServer server;
  private final AtomicInteger served = new AtomicInteger();

  /** Every 10th request is answered 503. */
  @BeforeEach
  void stub(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> {
      int k = served.incrementAndGet();
      req.response().setStatusCode(k % 10 == 0 ? 503 : 200).end("{\"message\":\"Hello from Server: 1\"}");
    }).listen(0, "127.0.0.1").await();
  }

  @Test
  void fixedRateAccountsForEveryRequestDue(Vertx vertx) {
    JvmLoad load = new JvmLoad(vertx, 8);
    Load result = load.fixedRate(new Endpoint("127.0.0.1", server.actualPort(), 0), 400, 500, 8);
    long unsent = result.detail().getLong("unsent");
    assertEquals(200, result.requests() + unsent, "200 requests due in 0.5 s at 400/s");
    assertEquals(served.get(), result.requests());
    assertEquals(served.get() / 10 + unsent, result.errors());
    assertTrue(result.p50Us() > 0 && result.p99Us() >= result.p50Us());
    load.close();
  }

  @Test
  void closedLoopCountsAnswersAndFailures(Vertx vertx) {
    JvmLoad load = new JvmLoad(vertx, 4);
    Load result = load.closedLoop(new Endpoint("127.0.0.1", server.actualPort(), 0), 4, 300);
    assertTrue(result.requests() > 0);
    assertEquals(served.get(), result.requests());
    assertEquals(served.get() / 10, result.errors());
    load.close();
  }
}
