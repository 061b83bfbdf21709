package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.Chaos;
import dev.lb.ClientLoop;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replica that hangs (SIGSTOP) keeps its connections open and answers nothing: the heartbeat finds it, requests
 * sent to it time out and are retried elsewhere, no client waits beyond the request timeout, and it is replaced.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class HungReplicaTest {

  private static final long REQUEST_TIMEOUT_MS = 2000;
  private static final long MEASURING_SLACK_MS = 300;

  @Test
  void aHungReplicaIsReplacedAndNoRequestFailsOrWaitsPastTheTimeout(Vertx vertx, VertxTestContext ctx) {
    ProcessHandle[] victim = new ProcessHandle[1];
    TestSystem.deployConfigured(vertx, TestSystem.config().put(ConfigKeys.BACKEND, "process")
            .put(ConfigKeys.PROXY_TIMEOUT_MS, REQUEST_TIMEOUT_MS).put(ConfigKeys.PROXY_TRY_TIMEOUT_MS, 500))
        .compose(system -> system.replicas().compose(replicas -> {
          victim[0] = ProcessBackendTest.processOf(replicas.get(1));
          ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 8, 1_000_000, 60_000);
          return Chaos.after(vertx, 1000)
              .compose(v -> vertx.executeBlocking(() ->
                  new ProcessBuilder("kill", "-STOP", String.valueOf(victim[0].pid())).start().waitFor()))
              .compose(code -> system.awaitRep(m -> m.getInteger("N") == 3
                  && !m.getJsonArray("replicas").contains(replicas.get(1).name()), 30_000))
              .compose(rep -> Chaos.after(vertx, 1000))
              .compose(v -> loop.stop());
        }))
        .onComplete(ctx.succeeding(loop -> ctx.verify(() -> {
          assertEquals(List.of(), loop.failures(), "failed requests");
          assertTrue(loop.maxLatencyMs() <= REQUEST_TIMEOUT_MS + MEASURING_SLACK_MS,
              "slowest request " + loop.maxLatencyMs() + " ms, the timeout is " + REQUEST_TIMEOUT_MS + " ms");
          assertFalse(victim[0].isAlive(), "the hung replica was killed");
          ctx.completeNow();
        })));
  }
}
