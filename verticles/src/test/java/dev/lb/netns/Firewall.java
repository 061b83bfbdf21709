package dev.lb.netns;

import java.util.List;

/**
 * Filter tables for a host's namespace, as {@code iptables-restore} input: each replaces the whole table at once, so a
 * cut or a heal takes effect in one step. Loopback traffic and the root namespace's address are always accepted.
 */
final class Firewall {

  private Firewall() {}

  /** Accepts everything: the state of a new namespace. */
  static String open() {
    return table("");
  }

  /** Drops every packet between the host and the rest of {@code network}, except the observer's {@code root}. */
  static String cut(String network, String root) {
    return table(spared(root)
        + "-A INPUT -s " + network + " -j DROP\n"
        + "-A OUTPUT -d " + network + " -j DROP\n");
  }

  /** Drops TCP on each of {@code ports} (a port or a range {@code lo:hi}), the host's own or the peer's, both ways. */
  static String cutPorts(String network, String root, List<String> ports) {
    StringBuilder rules = new StringBuilder(spared(root));
    for (String port : ports) {
      if (!port.matches("\\d+(:\\d+)?")) {
        throw new IllegalArgumentException("not a port or a range lo:hi: " + port);
      }
      for (String side : List.of("--dport", "--sport")) {
        rules.append("-A INPUT -s ").append(network).append(" -p tcp ").append(side).append(' ').append(port)
            .append(" -j DROP\n");
        rules.append("-A OUTPUT -d ").append(network).append(" -p tcp ").append(side).append(' ').append(port)
            .append(" -j DROP\n");
      }
    }
    return table(rules.toString());
  }

  private static String spared(String root) {
    return "-A INPUT -i lo -j ACCEPT\n"
        + "-A INPUT -s " + root + "/32 -j ACCEPT\n"
        + "-A OUTPUT -o lo -j ACCEPT\n"
        + "-A OUTPUT -d " + root + "/32 -j ACCEPT\n";
  }

  private static String table(String rules) {
    return "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" + rules + "COMMIT\n";
  }
}
