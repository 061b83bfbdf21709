package dev.lb.keeper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lease keeper's command line: {@code --lease-ms N --port P --service HOST:PORT --health-path PATH -- COMMAND...}.
 *
 * @param leaseMs    how long the service runs on without a manager's claim
 * @param host       where the keeper listens (the replica's host)
 * @param port       the keeper's own port, which the heartbeat probes
 * @param service    the service's {@code host:port}
 * @param healthPath the service's health path
 * @param command    the service's command line
 */
public record KeeperOptions(long leaseMs, String host, int port, String service, String healthPath, List<String> command) {

  /** The arguments that run {@code command} under a keeper with these settings. */
  public static List<String> arguments(long leaseMs, String host, int port, int servicePort, String healthPath,
      List<String> command) {
    List<String> args = new ArrayList<>(List.of("--lease-ms", String.valueOf(leaseMs), "--port", String.valueOf(port),
        "--service", host + ":" + servicePort, "--health-path", healthPath, "--"));
    args.addAll(command);
    return args;
  }

  static KeeperOptions parse(String[] args) {
    List<String> words = Arrays.asList(args);
    int dashes = words.indexOf("--");
    if (dashes < 0 || dashes == words.size() - 1) {
      throw new IllegalArgumentException("usage: --lease-ms N --port P --service HOST:PORT --health-path PATH -- COMMAND...");
    }
    List<String> flags = words.subList(0, dashes);
    String service = value(flags, "--service");
    int colon = service.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--service must be HOST:PORT, got '" + service + "'");
    }
    try {
      return new KeeperOptions(Long.parseLong(value(flags, "--lease-ms")), service.substring(0, colon),
          Integer.parseInt(value(flags, "--port")), service, value(flags, "--health-path"),
          List.copyOf(words.subList(dashes + 1, words.size())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--lease-ms and --port take numbers: " + e.getMessage(), e);
    }
  }

  private static String value(List<String> flags, String name) {
    int at = flags.indexOf(name);
    if (at < 0 || at == flags.size() - 1) {
      throw new IllegalArgumentException(name + " is required");
    }
    return flags.get(at + 1);
  }
}
