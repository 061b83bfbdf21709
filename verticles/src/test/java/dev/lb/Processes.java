package dev.lb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What tests read of the processes the system starts. */
public final class Processes {

  private Processes() {}

  /**
   * The arguments of {@code process}. The JDK gives none for a command line as long as a test class path makes it,
   * so they are read from {@code /proc} then.
   */
  public static List<String> arguments(ProcessHandle process) {
    return process.info().arguments().map(List::of).orElseGet(() -> {
      try {
        String line = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"), StandardCharsets.UTF_8);
        return Arrays.asList(line.split("\0")).subList(1, Math.max(1, line.split("\0").length));
      } catch (IOException e) {
        return List.of();
      }
    });
  }
}
