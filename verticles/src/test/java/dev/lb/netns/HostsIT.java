package dev.lb.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Hosts} itself: three hosts reach each other and are reached from the test JVM; a cut host is unreachable from
 * the others (and reaches none of them) but still from the root namespace; a cut of one port spares the others; a
 * heal restores everything; and closing leaves no namespace, interface or process behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostsIT {

  private static final Path LOG = Hosts.LOGS.resolve("hosts-it.log");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void needsNamespaces() {
    assumeTrue(Hosts.available(), "needs root, `ip netns` and iptables-restore to make network namespaces");
  }

  @Test
  void hostsReachEachOtherUntilCutAndCloseLeavesNothing() throws Exception {
    List<Process> servers;
    Hosts hosts = Hosts.create(3);
    try (hosts) {
      servers = List.of(httpServer(hosts, 1, 8000), httpServer(hosts, 1, 8001), httpServer(hosts, 2, 8000));
      awaitServing(hosts.address(1), 8000);
      awaitServing(hosts.address(1), 8001);
      awaitServing(hosts.address(2), 8000);
      assertTrue(reaches(hosts, 2, hosts.address(1), 8000), "host 2 reaches host 1");
      assertTrue(reaches(hosts, 3, hosts.address(1), 8000), "host 3 reaches host 1");
      assertTrue(reaches(hosts, 1, hosts.address(2), 8000), "host 1 reaches host 2");

      hosts.cut(1);
      assertFalse(reaches(hosts, 2, hosts.address(1), 8000), "a cut host is not reached by the others");
      assertFalse(reaches(hosts, 1, hosts.address(2), 8000), "a cut host reaches none of the others");
      assertTrue(reaches(hosts, 3, hosts.address(2), 8000), "the other hosts still reach each other");
      assertEquals(200, status(hosts.address(1), 8000), "the root namespace still reaches a cut host");

      hosts.heal(1);
      assertTrue(reaches(hosts, 2, hosts.address(1), 8000), "a healed host is reached again");
      assertTrue(reaches(hosts, 1, hosts.address(2), 8000), "a healed host reaches the others again");

      hosts.cutClusterTraffic(1, "8000");
      assertFalse(reaches(hosts, 2, hosts.address(1), 8000), "a cut port is not reached");
      assertFalse(reaches(hosts, 1, hosts.address(2), 8000), "nor the same port on the others");
      assertTrue(reaches(hosts, 2, hosts.address(1), 8001), "another port still is");
      assertEquals(200, status(hosts.address(1), 8000), "the root namespace still reaches a cut port");
      hosts.heal(1);
      assertTrue(reaches(hosts, 2, hosts.address(1), 8000), "a healed port is reached again");

      List<Long> inFirst = hosts.processes(1);
      assertEquals(2, inFirst.size(), "the two servers run in host 1's namespace: " + inFirst);
      assertTrue(inFirst.contains(servers.get(0).pid()), "ip netns exec runs the command itself");
      assertEquals(0, hosts.replicaCount(1), "no replica runs");
    }
    assertTrue(Commands.check("ip", "netns", "list").lines().noneMatch(l -> l.startsWith(Hosts.PREFIX)),
        "no namespace left");
    assertEquals(List.of(), Hosts.rootLinks(), "no interface left");
    servers.forEach(server -> assertFalse(server.isAlive(), "process " + server.pid() + " is killed"));
    hosts.close();   // idempotent
  }

  private static Process httpServer(Hosts hosts, int host, int port) throws IOException {
    Path root = Files.createDirectories(Hosts.LOGS.resolve("www"));
    return hosts.exec(host, List.of("python3", "-m", "http.server", String.valueOf(port), "--bind",
        hosts.address(host), "--directory", root.toString()), Map.of(), LOG);
  }

  /** GET from host {@code from}'s namespace, a 2 s time limit. */
  private static boolean reaches(Hosts hosts, int from, String address, int port) {
    return hosts.run(from, "python3", "-c", "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)",
        "http://" + address + ":" + port + "/").ok();
  }

  /** GET from the test JVM (the root namespace); -1 if it fails. */
  private int status(String address, int port) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/"))
          .timeout(Duration.ofSeconds(2)).build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private void awaitServing(String address, int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (status(address, port) != 200) {
      assertTrue(System.currentTimeMillis() < deadline, "http.server on " + address + ":" + port + " within 15 s");
      Thread.sleep(100);
    }
  }
}
