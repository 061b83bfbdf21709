package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin token is the balancer's alone: a balancer started with {@code LB_ADMIN_TOKEN} in its environment, as a
 * user starts it, passes it to none of the processes it starts, as {@code /proc/<pid>/environ} shows them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class SecretsStayHomeTest {

  private static final String TOKEN = "s3cret-token-of-this-test";

  private BalancerProcess balancer;
  private List<ProcessHandle> children = List.of();

  @AfterEach
  void cleanUp() {
    if (balancer != null) {
      balancer.process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void noReplicaProcessInheritsTheAdminToken(Vertx vertx, VertxTestContext ctx) throws IOException {
    balancer = BalancerProcess.start(Map.of("LB_REPLICAS", "2", "LB_ADMIN_TOKEN", TOKEN));
    balancer.serving(vertx, 45_000).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertTrue(environ(balancer.process.pid()).contains("LB_ADMIN_TOKEN=" + TOKEN), "the balancer has it");
      children = balancer.process.descendants().toList();
      assertTrue(children.size() >= 2, "the replica processes: " + children);
      for (ProcessHandle child : children) {
        String env = environ(child.pid());
        assertTrue(env.contains("SERVER_ID="), "a replica's environment: pid " + child.pid());
        assertFalse(env.contains(TOKEN), "pid " + child.pid() + " has the admin token in its environment");
      }
      ctx.completeNow();
    })));
  }

  private static String environ(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the environment of pid " + pid, e);
    }
  }
}
