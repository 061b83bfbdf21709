package dev.lb.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system's network tools ({@code ip}, {@code iptables-restore}) to completion, each within a time limit. */
final class Commands {

  /** What a command printed (standard output and error together) and its exit code; -1 if it ran out of time. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  static final Duration DEFAULT_LIMIT = Duration.ofSeconds(20);

  private Commands() {}

  /** Runs {@code command}; a command still running after {@code limit} is killed and reported with exit code -1. */
  static Result run(Duration limit, String input, List<String> command) {
    Path output = null;
    try {
      output = Files.createTempFile("lbn-cmd", ".out");
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      try (var stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      boolean done = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      return new Result(done ? process.exitValue() : -1, Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  static Result run(String... command) {
    return run(DEFAULT_LIMIT, null, List.of(command));
  }

  /** Runs {@code command} and fails with its output unless it exits with 0. */
  static String check(String... command) {
    return checkWithInput(null, command);
  }

  /** Like {@link #check(String...)}, writing {@code input} to the command's standard input. */
  static String checkWithInput(String input, String... command) {
    Result result = run(DEFAULT_LIMIT, input, List.of(command));
    if (!result.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode() + ": "
          + result.output().strip());
    }
    return result.output();
  }
}
