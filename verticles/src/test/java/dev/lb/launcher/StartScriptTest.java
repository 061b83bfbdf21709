package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/load-balancer}, run with a stand-in {@code java} that prints the arguments it was given. */
class StartScriptTest {

  private static final Path SCRIPT = Path.of("..", "bin", "load-balancer").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  private record Run(int status, String out) { }

  private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path java = dir.resolve("jdk/bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = dir.resolve("load-balancer.jar");
    if (!Files.exists(jar)) {
      Files.createFile(jar);
    }
    ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true);
    builder.command().addAll(List.of(args));
    builder.environment().keySet().removeIf(k -> k.startsWith("LB_") || k.equals("JAVA_OPTS"));
    builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
    builder.environment().put("LB_JAR", jar.toString());
    builder.environment().putAll(env);
    Process p = builder.start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
  }

  @Test
  void theBalancerGetsTheShippedOptionsThenJavaOpts() throws Exception {
    Run r = run(Map.of("JAVA_OPTS", "-Xmx256m"), "--config", "my.json");
    assertEquals(0, r.status(), r.out());
    assertTrue(r.out().startsWith("-Xmx128m -Xms32m -Xmn16m -XX:+UseParallelGC "), r.out());
    assertTrue(r.out().endsWith("-Xmx256m -jar " + dir.resolve("load-balancer.jar") + " --config my.json"), r.out());
  }

  @Test
  void lbJvmOptionsReplaceThemAndEmptyMeansNone() throws Exception {
    assertEquals("-XX:+UseG1GC -Xmx1g -jar " + dir.resolve("load-balancer.jar"),
        run(Map.of("LB_JVM_OPTIONS", "-XX:+UseG1GC -Xmx1g")).out());
    assertEquals("-jar " + dir.resolve("load-balancer.jar"), run(Map.of("LB_JVM_OPTIONS", "")).out());
  }

  @Test
  void aReplicaKeepsItsOwnOptions() throws Exception {
    // the Docker backend gives a replica container its options in JAVA_TOOL_OPTIONS, which these would override
    assertEquals("-jar " + dir.resolve("load-balancer.jar") + " server --port 7000", run(Map.of(), "server", "--port", "7000").out());
  }

  @Test
  void withoutTheJarItSaysHowToBuildIt() throws Exception {
    Run r = run(Map.of("LB_JAR", dir.resolve("none.jar").toString()));
    assertEquals(1, r.status());
    assertTrue(r.out().contains("no jar at " + dir.resolve("none.jar")) && r.out().contains("mvn -B -q package"), r.out());
  }
}
