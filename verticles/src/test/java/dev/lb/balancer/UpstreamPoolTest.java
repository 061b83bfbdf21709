package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code proxy.pool.size} bounds the connections to each replica: requests beyond it wait for one to be released, in
 * order, and are answered on it, rather than opening more.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class UpstreamPoolTest {

  private static final int REQUESTS = 3;

  @Test
  void requestsBeyondThePoolWaitForAConnectionInsteadOfOpeningOne(Vertx vertx, VertxTestContext ctx) {
    // one replica, one connection to it; each /slow takes 800 ms, so the third waits ~1.6 s, within its try timeout
    JsonObject conf = TestSystem.config().put(ConfigKeys.REPLICAS, 1).put(ConfigKeys.PROXY_POOL_SIZE, 1)
        .put(ConfigKeys.PROXY_TRY_TIMEOUT_MS, 5_000).put(ConfigKeys.PROXY_TIMEOUT_MS, 10_000);
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    // a connection of its own for each request, so that all are at the balancer at once
    WebClient clients = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(REQUESTS));
    TestSystem.deploy(vertx, conf, backend).compose(system -> {
      List<Future<HttpResponse<Buffer>>> replies = new ArrayList<>();
      for (int k = 0; k < REQUESTS; k++) {
        replies.add(clients.get(system.port(), "127.0.0.1", "/slow").send());
      }
      return Future.all(replies).map(all -> replies.stream().map(f -> f.result().statusCode()).toList());
    }).onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
      assertEquals(List.of(200, 200, 200), statuses);
      assertEquals(1, backend.slowConnections.size(), "one replica: " + backend.slowConnections.keySet());
      assertEquals(1, backend.slowConnections.values().iterator().next().size(),
          "the requests shared the pool's one connection");
      ctx.completeNow();
    })));
  }
}
