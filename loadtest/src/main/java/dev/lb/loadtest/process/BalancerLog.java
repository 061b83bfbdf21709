package dev.lb.loadtest.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log file of a balancer this tool started, read for when something happened: A-3 times detection and replacement
 * by the balancer's own lifecycle lines, which carry the time it acted, not when a client noticed.
 */
public record BalancerLog(Path file) {

  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  private static final Pattern LOG_LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*");

  /** When the balancer first logged a line {@code pattern} finds in, at or after {@code since} (epoch ms). */
  public Optional<Long> first(Pattern pattern, long since) {
    try {
      for (String line : Files.readAllLines(file)) {
        Matcher m = LOG_LINE.matcher(line);
        if (m.matches() && pattern.matcher(line).find()) {
          long at = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
          if (at >= since) {
            return Optional.of(at);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return Optional.empty();
  }
}
