package dev.lb.replica;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs one of the repository's compose files as a user would, under a project name of the test's own. */
final class Compose {

  private static List<String> command;

  private final String project;
  private final String file;
  private final Map<String, String> env;

  Compose(String project, String file, Map<String, String> env) {
    this.project = project;
    this.file = file;
    this.env = env;
  }

  /** Finds {@code docker compose} or {@code docker-compose}; skips (or fails, where required) without one. */
  static void assumeCompose() {
    for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      if (exec(candidate, List.of("version"), 30) == 0) {
        command = candidate;
        return;
      }
    }
    if ("required".equals(System.getenv("LB_DOCKER_TESTS"))) {
      throw new AssertionError("neither 'docker compose' nor 'docker-compose' runs (LB_DOCKER_TESTS=required)");
    }
    Assumptions.abort("no docker compose command");
  }

  private static int exec(List<String> cmd, List<String> args, long timeoutS) {
    List<String> all = new ArrayList<>(cmd);
    all.addAll(args);
    try {
      Process p = new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Runs compose with {@code args} in the repository; its exit code (-1 if it did not end within 3 minutes). */
  int run(String... args) throws Exception {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of("-p", project, "-f", file));
    all.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(all).directory(new File(System.getProperty("lb.repository", "..")))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /**
   * What {@code docker logs} shows of the container compose runs for {@code service}; what it printed so far if it
   * does not end within 30 s (so that a test polling the logs never waits on it for ever).
   */
  String logs(String service) throws Exception {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of("-p", project, "-f", file, "logs", "--no-color", service));
    File out = File.createTempFile("compose-logs", ".txt");
    try {
      Process p = new ProcessBuilder(all).directory(new File(System.getProperty("lb.repository", "..")))
          .redirectErrorStream(true).redirectOutput(out).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        System.out.println("compose logs " + service + " did not end within 30 s");
      }
      return new String(Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out.toPath());
    }
  }
}
