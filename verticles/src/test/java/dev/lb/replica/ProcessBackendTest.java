package dev.lb.replica;

import dev.lb.Processes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ClientLoop;
import dev.lb.TestSystem;
import dev.lb.bus.ReplicaInfo;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Replicas as real child JVMs: crash under load, /rm, and stop. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ProcessBackendTest {

  /** The child process serving {@code replica}, found by the port on its command line. */
  static ProcessHandle processOf(ReplicaInfo replica) {
    return ProcessHandle.current().children()
        .filter(p -> Processes.arguments(p).contains(String.valueOf(replica.port())))
        .findFirst().orElseThrow(() -> new AssertionError("no child process for " + replica));
  }

  /** Completes when {@code process} has exited; fails after {@code timeoutMs}. */
  static Future<Void> exited(Vertx vertx, ProcessHandle process, long timeoutMs) {
    Promise<Void> gone = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    long timer = vertx.setPeriodic(50, t -> {
      if (!process.isAlive()) {
        gone.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        gone.tryFail("pid " + process.pid() + " still alive after " + timeoutMs + " ms");
      }
    });
    return gone.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private static Future<TestSystem> processSystem(Vertx vertx) {
    return TestSystem.deployConfigured(vertx, TestSystem.config().put(ConfigKeys.BACKEND, "process"));
  }

  @Test
  void killingAReplicaUnderLoadFailsNoRequestAndItIsReplaced(Vertx vertx, VertxTestContext ctx) {
    processSystem(vertx).compose(system -> system.replicas().compose(replicas -> {
      ClientLoop loop = ClientLoop.start(system.client, system.port(), "/home", 8, 200_000, 30_000);
      ProcessHandle victim = processOf(replicas.get(1));
      Promise<Void> killed = Promise.promise();
      vertx.setTimer(1000, t -> {
        victim.destroyForcibly();
        killed.complete();
      });
      return killed.future()
          .compose(v -> system.awaitRep(m -> m.getInteger("N") == 3 && !m.getJsonArray("replicas").contains("Server 2"), 20_000))
          .compose(rep -> {
            Promise<Void> settle = Promise.promise();
            vertx.setTimer(500, t -> settle.complete());
            return settle.future();
          })
          .compose(v -> loop.stop())
          .compose(finished -> system.replicas().map(after -> {
            ctx.verify(() -> {
              assertEquals(List.of(), finished.failures(), "failed requests");
              assertTrue(finished.ok() > 100, "the loop ran: " + finished.ok());
              assertEquals(3, after.size());
              assertEquals(2, after.get(1).ringId());
              assertTrue(processOf(after.get(1)).isAlive(), "the replacement is a live process");
            });
            return system;
          }));
    })).compose(system -> system.get("/home")).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(200, resp.statusCode());
      ctx.completeNow();
    })));
  }

  @Test
  void removeStopsTheProcessAndUndeployingStopsTheRest(Vertx vertx, VertxTestContext ctx) {
    processSystem(vertx).compose(system -> system.replicas().compose(replicas -> {
      List<ProcessHandle> processes = replicas.stream().map(ProcessBackendTest::processOf).toList();
      return system.send(HttpMethod.DELETE, "/rm", "{\"n\": 1, \"hostnames\": [\"Server 1\"]}")
          .compose(resp -> exited(vertx, processes.get(0), 5_000))
          .map(v -> {
            ctx.verify(() -> {
              assertTrue(processes.get(1).isAlive());
              assertTrue(processes.get(2).isAlive());
            });
            return processes;
          });
    })).compose(processes -> Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).map(processes))
        .onComplete(ctx.succeeding(processes -> ctx.verify(() -> {
          processes.forEach(p -> assertFalse(p.isAlive(), "pid " + p.pid() + " outlived the undeployed manager"));
          ctx.completeNow();
        })));
  }
}
