package dev.lb.replica;

import dev.lb.Processes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.Chaos;
import dev.lb.TestSystem;
import dev.lb.bus.ReplicaInfo;
import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Chaos with the process backend: a minute of load (lb.chaos.seconds) while a random replica is killed with SIGKILL
 * every few seconds. No GET may fail, N must come back after every kill, and /rep must match what runs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
class ProcessChaosIT {

  static final long SECONDS = Long.getLong("lb.chaos.seconds", 60);

  /** The replica processes alive now: children of this JVM running the server command. */
  static List<ProcessHandle> replicaProcesses() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> Processes.arguments(p).contains("server")).toList();
  }

  @Test
  void killingRandomReplicasForAMinuteFailsNoRequest(Vertx vertx, VertxTestContext ctx) {
    TestSystem.deployConfigured(vertx, TestSystem.config().put(ConfigKeys.BACKEND, "process"))
        .compose(system -> Chaos.run(vertx, system, "process (kill -9)", 3, SECONDS, 2000, () -> system.replicas().map(replicas -> {
              ReplicaInfo victim = replicas.get(ThreadLocalRandom.current().nextInt(replicas.size()));
              ProcessBackendTest.processOf(victim).destroyForcibly();
              return victim.name();
            }))
            .compose(figures -> system.replicas().map(replicas -> {
              System.out.println(figures.summary());
              ctx.verify(() -> {
                assertEquals(List.of(), figures.failures(), "failed GET requests");
                assertTrue(figures.kills() >= SECONDS / 6, "kills: " + figures.kills());
                Set<String> ports = replicas.stream().map(r -> String.valueOf(r.port())).collect(Collectors.toSet());
                Set<String> running = replicaProcesses().stream()
                    .map(Processes::arguments)
                    .map(args -> args.get(args.indexOf("--port") + 1)).collect(Collectors.toSet());
                assertEquals(ports, running, "/rep lists exactly the replicas that run");
              });
              return null;
            })))
        .compose(v -> Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(List.of(), replicaProcesses(), "no replica outlives the manager");
          ctx.completeNow();
        })));
  }
}
