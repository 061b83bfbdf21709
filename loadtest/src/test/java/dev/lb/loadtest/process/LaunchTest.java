package dev.lb.loadtest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LaunchTest {

  private static final Path JAR = Path.of("/opt/lb/load-balancer.jar");
  private static final Path SCRIPT = Path.of("/opt/lb/bin/load-balancer");

  @Test
  void throughTheScriptTheJarAndOtherOptionsGoInItsEnvironment() {
    ProcessBuilder b = new Launch(JAR, Optional.of(SCRIPT), Optional.of("-Xmx32m -XX:+UseG1GC")).builder();
    assertEquals(List.of(SCRIPT.toString()), b.command());
    assertEquals(JAR.toString(), b.environment().get("LB_JAR"));
    assertEquals("-Xmx32m -XX:+UseG1GC", b.environment().get("LB_JVM_OPTIONS"));
    assertFalse(b.environment().containsKey("JAVA_OPTS"), "the caller's JAVA_OPTS would change what is measured");
  }

  @Test
  void throughTheScriptWithItsOwnOptions() {
    ProcessBuilder b = new Launch(JAR, Optional.of(SCRIPT), Optional.empty()).builder();
    assertFalse(b.environment().containsKey("LB_JVM_OPTIONS"));
    assertTrue(new Launch(JAR, Optional.of(SCRIPT), Optional.empty()).describe().contains("its own JVM options"));
  }

  @Test
  void withoutTheScriptJavaGetsTheOptionsItself() {
    List<String> command = new Launch(JAR, Optional.empty(), Optional.of(" -Xmx32m  -Xss512k ")).builder().command();
    assertEquals(List.of("-Xmx32m", "-Xss512k", "-jar", JAR.toString()), command.subList(1, command.size()));
    List<String> bare = new Launch(JAR, Optional.empty(), Optional.of("")).builder().command();
    assertEquals(List.of("-jar", JAR.toString()), bare.subList(1, bare.size()));
  }
}
