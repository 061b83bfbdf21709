package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import dev.lb.http.AccessFormat;
import dev.lb.http.AccessLog;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.metrics.SystemMetrics;
import dev.lb.metrics.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JSON access log of a request the relay retried: one line per request, with both tries (the replica that answered
 * 500, then the one that answered), the key's slot, the bytes and how it ended; written off the event loop.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class AccessLogTest {

  private final StringWriter written = new StringWriter();

  /** The {@code n}th line of the log once it is written (the log's own thread writes it). */
  private Future<JsonObject> line(Vertx vertx, int n) {
    Promise<JsonObject> found = Promise.promise();
    vertx.setPeriodic(20, id -> {
      List<String> lines = written.toString().lines().toList();
      if (lines.size() > n) {
        vertx.cancelTimer(id);
        found.complete(new JsonObject(lines.get(n)));
      }
    });
    return found.future();
  }

  @Test
  void aRetriedRequestIsOneLineWithBothTries(Vertx vertx, VertxTestContext ctx) {
    JsonObject conf = TestSystem.config().put(ConfigKeys.KEY, "query:id");
    ScriptedReplicaBackend backend = new ScriptedReplicaBackend(vertx);
    AccessLog log = AccessLog.to(written, AccessFormat.JSON, () -> { });
    Telemetry telemetry = new Telemetry(ProxyMetrics.NONE, SystemMetrics.NONE, log, dev.lb.tracing.Tracing.OFF);
    String[] owner = new String[1];
    TestSystem.deploy(vertx, conf, backend, telemetry).compose(system -> system.get("/home?id=7")
        .compose(first -> line(vertx, 0))
        .compose(first -> {
          owner[0] = first.getString("replica");
          ctx.verify(() -> {
            assertNotNull(owner[0], first.encode());
            assertEquals(1, first.getJsonArray("attempts").size());
          });
          // the key's owner fails now: the relay tries the next replica, and the log says so
          backend.failing.add(owner[0]);
          return system.get("/home?id=7");
        })
        .compose(second -> {
          ctx.verify(() -> assertEquals(200, second.statusCode()));
          return line(vertx, 1);
        }))
        .onComplete(ctx.succeeding(line -> ctx.verify(() -> {
          assertEquals("GET", line.getString("method"));
          assertEquals("/home", line.getString("path"));
          assertEquals("id=7", line.getString("query"));
          assertEquals(200, line.getInteger("status"));
          assertEquals(2, line.getJsonArray("attempts").size(), line.encode());
          JsonObject failed = line.getJsonArray("attempts").getJsonObject(0);
          JsonObject answered = line.getJsonArray("attempts").getJsonObject(1);
          assertEquals(owner[0], failed.getString("replica"));
          assertEquals("500", failed.getString("outcome"));
          assertEquals("200", answered.getString("outcome"));
          assertNotEquals(owner[0], answered.getString("replica"));
          assertEquals(answered.getString("replica"), line.getString("replica"));
          assertNotNull(line.getInteger("slot"));
          assertNotNull(line.getDouble("headMs"));
          assertEquals("replied", line.getString("end"));
          assertEquals(line.getInteger("bytesOut"), ("{\"message\":\"Hello from Server: " + answered.getString("replica")
              + "\",\"status\":\"successful\"}").length());
          ctx.completeNow();
        })));
  }
}
