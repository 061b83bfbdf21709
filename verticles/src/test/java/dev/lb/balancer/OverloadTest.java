package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Overload protection over HTTP: with {@code proxy.max.inflight} 1 and a queue of 1, of three concurrent requests to a
 * replica that takes 800 ms each, one is answered, one waits out the queue's 300 ms and one finds the queue full: both
 * get 503 with {@code Retry-After} in the API's shape, long before the proxy's timeout would have made it a 504; and
 * the replica saw only the one.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class OverloadTest {

  private record Answer(int status, String retryAfter, String message, long ms) { }

  @Test
  void requestsBeyondTheCapAndItsQueueGet503WithRetryAfterWithinTheQueueTimeout(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf = TestSystem.config().put(ConfigKeys.REPLICAS, 1).put(ConfigKeys.PROXY_MAX_INFLIGHT, 1)
        .put(ConfigKeys.PROXY_MAX_QUEUE, 1).put(ConfigKeys.PROXY_QUEUE_TIMEOUT, "300ms")
        .put(ConfigKeys.PROXY_TRY_TIMEOUT_MS, 5_000).put(ConfigKeys.PROXY_TIMEOUT_MS, 10_000);
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    WebClient clients = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(3));
    TestSystem.deploy(vertx, conf, backend).compose(system -> {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        long began = System.nanoTime();
        answers.add(clients.get(system.port(), "127.0.0.1", "/slow").send().map(resp -> answer(resp, began)));
      }
      return Future.all(answers).map(all -> answers.stream().map(Future::result)
          .sorted(Comparator.comparingInt(Answer::status)).toList())
          .compose(list -> clients.get(system.port(), "127.0.0.1", "/slow").send().map(after -> {
            ctx.verify(() -> assertEquals(200, after.statusCode(), "once it is free, the next request is served"));
            return list;
          }));
    }).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      assertEquals(List.of(200, 503, 503), answers.stream().map(Answer::status).toList(), answers.toString());
      for (Answer refused : answers.subList(1, 3)) {
        assertEquals("1", refused.retryAfter(), refused.toString());
        assertTrue(refused.message().startsWith("<Error> Server replica 'Server 1' is at capacity"), refused.message());
        assertTrue(refused.ms() < 5_000, "refused within the queue's timeout, not at a try's or the proxy's: " + refused);
      }
      assertEquals(2, backend.hits.get("Server 1 /slow").get(), "the replica got only what it had room for, then one more");
      ctx.completeNow();
    })));
  }

  private static Answer answer(HttpResponse<Buffer> resp, long began) {
    String message = resp.statusCode() == 200 ? resp.bodyAsString() : resp.bodyAsJsonObject().getString("message");
    return new Answer(resp.statusCode(), resp.getHeader("Retry-After"), message, (System.nanoTime() - began) / 1_000_000);
  }
}
