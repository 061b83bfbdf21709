package dev.lb.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Several hosts on one machine, for tests that need a real network between nodes: a hub namespace holding a Linux
 * bridge, and host namespaces {@code lbn-h1} .. {@code lbn-hN}, each with its loopback up and a veth into the bridge
 * addressed {@code <subnet>.K/24}. A veth from the root namespace into the bridge, {@code <subnet>.254}, lets the test
 * JVM reach every host directly: it plays a client on each host, and the observer. {@link #cut} and
 * {@link #cutClusterTraffic} drop traffic between one host and the others with iptables inside that host's namespace,
 * always sparing the root namespace's address, and {@link #heal} lifts them.
 *
 * <p>Everything is named with the prefix {@value #PREFIX}, so {@link #cleanLeftovers()} finds what an earlier run left
 * behind. {@link #close()} kills every process in every namespace, then deletes the namespaces and the root veth.
 * Needs root and {@code ip netns}; see {@link #available()}.
 */
public final class Hosts implements AutoCloseable {

  /** The prefix of every namespace and interface this class makes. */
  public static final String PREFIX = "lbn";
  /** Hosts' logs go here by default (relative to the module, as Maven runs tests). */
  public static final Path LOGS = Path.of("target", "netns");

  private static final System.Logger LOG = System.getLogger(Hosts.class.getName());
  private static final String HUB = PREFIX + "-hub";
  private static final String BRIDGE = PREFIX + "-br";
  private static final String ROOT_LINK = PREFIX + "-root";
  private static final String HOST_LINK = PREFIX + "-eth0";
  private static final int ROOT_HOST = 254;

  private final String subnet;
  private final int count;
  private final List<Process> started = new ArrayList<>();
  private boolean closed;

  private Hosts(String subnet, int count) {
    this.subnet = subnet;
    this.count = count;
  }

  /** Whether this machine can make hosts: running as root, with {@code ip netns} and {@code iptables-restore}. */
  public static boolean available() {
    try {
      return "root".equals(System.getProperty("user.name")) && Commands.run("ip", "netns", "list").ok()
          && Commands.run("iptables-restore", "--version").ok();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Makes {@code count} hosts (at most 250) on the first of 10.231.0.0/24 .. 10.231.15.0/24 that no address or route
   * of the root namespace touches, after removing what an earlier run left. Undone if any step fails.
   */
  public static Hosts create(int count) {
    if (count < 1 || count >= ROOT_HOST) {
      throw new IllegalArgumentException("between 1 and 253 hosts: " + count);
    }
    cleanLeftovers();
    Hosts hosts = new Hosts(Subnets.free(), count);
    try {
      hosts.build();
    } catch (RuntimeException e) {
      hosts.close();
      throw e;
    }
    LOG.log(Level.INFO, "made {0} hosts on {1}.0/24", count, hosts.subnet);
    return hosts;
  }

  private void build() {
    Commands.check("ip", "netns", "add", HUB);
    Commands.check("ip", "-n", HUB, "link", "set", "lo", "up");
    Commands.check("ip", "-n", HUB, "link", "add", BRIDGE, "type", "bridge");
    Commands.check("ip", "-n", HUB, "link", "set", BRIDGE, "up");
    for (int host = 1; host <= count; host++) {
      String ns = namespace(host);
      String hubEnd = ns + "b";
      Commands.check("ip", "netns", "add", ns);
      Commands.check("ip", "-n", ns, "link", "set", "lo", "up");
      Commands.check("ip", "-n", HUB, "link", "add", hubEnd, "type", "veth", "peer", "name", HOST_LINK, "netns", ns);
      Commands.check("ip", "-n", HUB, "link", "set", hubEnd, "master", BRIDGE, "up");
      Commands.check("ip", "-n", ns, "addr", "add", address(host) + "/24", "dev", HOST_LINK);
      Commands.check("ip", "-n", ns, "link", "set", HOST_LINK, "up");
    }
    Commands.check("ip", "link", "add", ROOT_LINK, "type", "veth", "peer", "name", ROOT_LINK + "b", "netns", HUB);
    Commands.check("ip", "-n", HUB, "link", "set", ROOT_LINK + "b", "master", BRIDGE, "up");
    Commands.check("ip", "addr", "add", rootAddress() + "/24", "dev", ROOT_LINK);
    Commands.check("ip", "link", "set", ROOT_LINK, "up");
  }

  public int count() {
    return count;
  }

  /** The namespace of host {@code host} (1-based): {@code lbn-h<host>}. */
  public String namespace(int host) {
    checkHost(host);
    return PREFIX + "-h" + host;
  }

  /** The address of host {@code host} on the bridge. */
  public String address(int host) {
    checkHost(host);
    return subnet + "." + host;
  }

  /** The root namespace's (the test JVM's) address on the bridge. */
  public String rootAddress() {
    return subnet + "." + ROOT_HOST;
  }

  /** The hosts' network, {@code a.b.c.0/24}. */
  public String network() {
    return subnet + ".0/24";
  }

  /** The addresses of all hosts, comma-separated: a cluster's member list. */
  public String addresses() {
    return String.join(",", IntStream.rangeClosed(1, count).mapToObj(this::address).toList());
  }

  private void checkHost(int host) {
    if (host < 1 || host > count) {
      throw new IllegalArgumentException("no host " + host + " of " + count);
    }
  }

  /**
   * Starts the balancer on {@code host}: {@code java -cp <this JVM's class path> dev.lb.launcher.Main} with {@code env}
   * added to this JVM's environment, its output (and its replicas') appended to {@code log}.
   */
  public Process start(int host, Map<String, String> env, Path log) {
    return start(host, env, log, List.of());
  }

  /** Like {@link #start(int, Map, Path)}, with JVM options for the balancer (a logging configuration, say). */
  public Process start(int host, Map<String, String> env, Path log, List<String> jvmOptions) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.lb.launcher.Main"));
    return exec(host, command, env, log);
  }

  /** Starts {@code command} inside {@code host}'s namespace, output appended to {@code log}; killed by {@link #close}. */
  public synchronized Process exec(int host, List<String> command, Map<String, String> env, Path log) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    full.addAll(command);
    try {
      if (log.getParent() != null) {
        Files.createDirectories(log.getParent());
      }
      ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      Process process = builder.start();
      started.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + full, e);
    }
  }

  /** Runs {@code command} inside {@code host}'s namespace to completion (at most 20 s). */
  public Commands.Result run(int host, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    full.addAll(Arrays.asList(command));
    return Commands.run(Commands.DEFAULT_LIMIT, null, full);
  }

  /** Drops all traffic between {@code host} and the other hosts, both ways; the root namespace still reaches it. */
  public void cut(int host) {
    firewall(host, Firewall.cut(network(), rootAddress()));
  }

  /**
   * Drops only TCP traffic on {@code ports} (each a port, {@code 5801}, or a range, {@code 5701:5710}) between
   * {@code host} and the other hosts, whichever side's port it is; other ports, and the root namespace, stay reachable.
   */
  public void cutClusterTraffic(int host, String... ports) {
    firewall(host, Firewall.cutPorts(network(), rootAddress(), List.of(ports)));
  }

  /** Lifts {@link #cut} and {@link #cutClusterTraffic} on {@code host}: its firewall accepts everything again. */
  public void heal(int host) {
    firewall(host, Firewall.open());
  }

  /** Replaces the filter table of {@code host}'s namespace at once (one iptables-restore). */
  private void firewall(int host, String rules) {
    Commands.checkWithInput(rules, "ip", "netns", "exec", namespace(host), "iptables-restore");
  }

  /** The pids of the processes in {@code host}'s namespace. */
  public List<Long> processes(int host) {
    return pidsIn(namespace(host));
  }

  /** How many replica processes (the built-in server with a lease) run in {@code host}'s namespace. */
  public long replicaCount(int host) {
    return processes(host).stream().map(Hosts::commandLine)
        .filter(line -> line.contains(" server ") && line.contains("--lease-ms")).count();
  }

  /** The command line of process {@code pid}, arguments separated by spaces; empty if it is gone. */
  public static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills every process in every namespace (SIGKILL), deletes the namespaces and the root veth. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    started.forEach(Process::destroyForcibly);
    cleanLeftovers();
    for (Process process : started) {
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Removes every namespace and root-namespace interface named with {@value #PREFIX}, killing what runs inside. */
  public static void cleanLeftovers() {
    List<String> namespaces = Arrays.stream(Commands.run("ip", "netns", "list").output().split("\n"))
        .map(line -> line.split(" ")[0].strip()).filter(name -> name.startsWith(PREFIX)).toList();
    namespaces.forEach(Hosts::killAllIn);
    for (String ns : namespaces) {
      Commands.Result deleted = Commands.run("ip", "netns", "delete", ns);
      LOG.log(deleted.ok() ? Level.INFO : Level.WARNING, "removed namespace {0}{1}", ns,
          deleted.ok() ? "" : ": " + deleted.output().strip());
    }
    for (String link : rootLinks()) {
      Commands.Result deleted = Commands.run("ip", "link", "delete", link);
      LOG.log(deleted.ok() ? Level.INFO : Level.WARNING, "removed interface {0}{1}", link,
          deleted.ok() ? "" : ": " + deleted.output().strip());
    }
  }

  /** The root namespace's interfaces named with the prefix (a veth whose peer went with its namespace is gone too). */
  static List<String> rootLinks() {
    return Arrays.stream(Commands.run("ip", "-o", "link", "show").output().split("\n"))
        .map(line -> line.split(":", 3)).filter(parts -> parts.length == 3)
        .map(parts -> parts[1].strip().split("@")[0]).filter(name -> name.startsWith(PREFIX)).toList();
  }

  private static List<Long> pidsIn(String namespace) {
    Commands.Result pids = Commands.run("ip", "netns", "pids", namespace);
    if (!pids.ok()) {
      return List.of();
    }
    return Arrays.stream(pids.output().split("\\s+")).filter(s -> s.matches("\\d+")).map(Long::valueOf).toList();
  }

  /** SIGKILL to every process in {@code namespace}, again for any started meanwhile, for at most 10 s. */
  private static void killAllIn(String namespace) {
    long deadline = System.currentTimeMillis() + 10_000;
    List<Long> pids = pidsIn(namespace);
    int killed = 0;
    while (!pids.isEmpty() && System.currentTimeMillis() < deadline) {
      for (long pid : pids) {
        if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
          killed++;
        }
      }
      pause(100);
      pids = pidsIn(namespace);
    }
    if (killed > 0) {
      LOG.log(Level.INFO, "killed {0} processes in {1}", killed, namespace);
    }
    if (!pids.isEmpty()) {
      LOG.log(Level.WARNING, "processes still in {0} after 10 s: {1}", namespace, pids);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
