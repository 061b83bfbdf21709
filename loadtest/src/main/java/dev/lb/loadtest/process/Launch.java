package dev.lb.loadtest.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a balancer under test is started: as users start it, through the start script it ships with
 * ({@code bin/load-balancer}, with the JVM options chosen for it), or with {@code jvmOptions} in their place (empty:
 * none, the JVM's own defaults, as a bare {@code java -jar}). Without the script (a run outside the repository), the
 * jar is started with {@code java} and {@code jvmOptions}.
 *
 * @param jar         the balancer's jar
 * @param script      the start script, if there is one
 * @param jvmOptions  the JVM options instead of the script's (split on spaces), if given
 */
public record Launch(Path jar, Optional<Path> script, Optional<String> jvmOptions) {

  /** Where the script is, from the repository's root (where the load test runs). */
  public static final Path SCRIPT = Path.of("bin", "load-balancer");

  /** {@code jar} through the repository's start script when there is one. */
  public static Launch of(Path jar, Optional<String> jvmOptions) {
    return new Launch(jar, Files.isExecutable(SCRIPT) ? Optional.of(SCRIPT) : Optional.empty(), jvmOptions);
  }

  /** The process to start; its pid is the JVM's (the script ends in {@code exec}). */
  ProcessBuilder builder() {
    if (script.isPresent()) {
      ProcessBuilder builder = new ProcessBuilder(script.get().toAbsolutePath().toString());
      builder.environment().put("LB_JAR", jar.toAbsolutePath().toString());
      builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
      // what the shell running this tool has set would change what is measured
      builder.environment().remove("JAVA_OPTS");
      builder.environment().remove("LB_JVM_OPTIONS");
      jvmOptions.ifPresent(o -> builder.environment().put("LB_JVM_OPTIONS", o));
      return builder;
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    jvmOptions.filter(o -> !o.isBlank()).ifPresent(o -> command.addAll(List.of(o.trim().split("\\s+"))));
    command.addAll(List.of("-jar", jar.toString()));
    return new ProcessBuilder(command);
  }

  /** For reports: how the balancer was started. */
  public String describe() {
    Optional<String> options = jvmOptions.map(o -> o.isBlank() ? "no JVM options" : "JVM options '" + o + "'");
    return script.map(s -> s + " (" + options.orElse("its own JVM options") + ")")
        .orElseGet(() -> "java -jar " + jar.getFileName() + " (" + options.orElse("no JVM options") + ")");
  }
}
