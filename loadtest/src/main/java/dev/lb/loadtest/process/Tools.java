package dev.lb.loadtest.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The external programs the bench uses: where they are, their versions, and short commands whose output it reads. */
public final class Tools {

  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  private Tools() {}

  /** The executable {@code name} on the PATH (or in an sbin folder, which a non-root PATH may lack). */
  public static Optional<Path> find(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(EXTRA_DIRS);
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
  }

  /** Runs {@code command} to its end (killed after {@code timeoutS}) and returns its standard output and error. */
  public static String output(List<String> command, long timeoutS) {
    try {
      Path file = Files.createTempFile("bench-", ".out");
      try {
        Process p = Children.start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(file.toFile()));
        if (!Children.await(p, timeoutS * 1000)) {
          throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutS + " s");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first line {@code command} prints, or "unknown" if it cannot run. */
  public static String firstLine(List<String> command) {
    try {
      String out = output(command, 10).strip();
      return out.isEmpty() ? "unknown" : out.lines().findFirst().orElse("unknown");
    } catch (RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
