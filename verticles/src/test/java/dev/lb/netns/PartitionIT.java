package dev.lb.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lb.ClientLoop;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster under network partitions, on three hosts (network namespaces on a bridge), each running the jar's
 * launcher clustered by the hosts' addresses (quorum: the majority, 2), with a client on every host. Each scenario holds
 * a cut for 30 s, then heals it, and checks what the issue asks: never two managers acting with a quorum, no failed
 * request where a side can reach replicas (the cut-off side included), no replica killed by a deposed manager, one
 * cluster again within 15 s, the same {@code /rep} everywhere, and exactly N replica processes 15 s later.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PartitionIT {

  private static final long CUT_MS = 30_000;
  /** Once the cluster is one again and agrees, replicas that are not in the set must be gone within this. */
  private static final long SETTLE_MS = 15_000;
  /** A request under way when the majority's takeover completes may still run out its deadline (proxy.timeout.ms). */
  private static final long REQUEST_DEADLINE_MS = 5_000;

  private ClusterLab lab;

  @BeforeAll
  static void needsNamespaces() {
    if (!Hosts.available()) {
      String why = "network namespaces cannot be made here (needs root, ip netns and iptables)";
      if ("required".equals(System.getenv("LB_NETNS_TESTS"))) {
        fail(why + ", and LB_NETNS_TESTS=required");
      }
      Assumptions.abort(why);
    }
  }

  @AfterEach
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
    assertEquals(List.of(), Hosts.rootLinks(), "no interface left");
  }

  /** The cluster as a scenario finds it: the manager's host and epoch, the replica processes, a client on every host. */
  private record Before(int manager, long epoch, Set<Long> replicas, List<ClientLoop> clients) { }

  /** Starts the cluster, finds its manager, and puts load on every host for 3 s. */
  private Before started(TestInfo test) {
    lab = new ClusterLab(test.getTestMethod().orElseThrow().getName(), 3);
    lab.start();
    int manager = managerNode();
    Before before = new Before(manager, lab.actingNodes().get(manager), lab.replicas(), lab.clients(4));
    lab.pause(3000);
    return before;
  }

  /** Waits until a node other than {@code manager} acts with an epoch newer than {@code epoch}. */
  private void awaitTakeover(Before before) {
    lab.await(() -> others(before.manager).stream().anyMatch(h -> lab.actingNodes().getOrDefault(h, 0L) > before.epoch),
        20_000, "a node of the majority takes over");
  }

  private String twoActing() {
    return lab.twoActing().isEmpty() ? "never two" : lab.twoActing().toString();
  }

  private int managerNode() {
    Map<Integer, Long> acting = lab.actingNodes();
    assertEquals(1, acting.size(), "one manager acts: " + acting);
    return acting.keySet().iterator().next();
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @Test
  void theManagersHostCutOffCompletely(TestInfo test) {
    Before before = started(test);
    int manager = before.manager;
    Set<Long> first = before.replicas;
    List<ClientLoop> clients = before.clients;
    List<String> firstNames = names(lab.rep(manager));

    long cutAt = now();
    lab.hosts.cut(manager);
    lab.await(() -> !lab.cluster(manager).getBoolean("quorum", true), 10_000, "the cut-off node knows it has no quorum");
    long noQuorumAt = now();
    HttpResponse<Buffer> add = lab.add(manager, "{\"n\": 1}");
    assertEquals(503, add.statusCode(), add.bodyAsString());
    assertTrue(add.bodyAsString().contains("No quorum"), add.bodyAsString());
    awaitTakeover(before);
    long takeoverAt = now();
    int majority = others(manager).get(0);
    lab.await(() -> names(lab.rep(majority)).stream().noneMatch(firstNames::contains), 30_000,
        "the majority replaced the replicas it cannot reach");
    long replacedAt = now();
    pauseUntil(cutAt + CUT_MS);
    assertEquals(List.of(), first.stream().filter(pid -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .toList(), "the cut-off side's replicas lived through the cut (nobody killed them; their leases held)");
    assertEquals(names(lab.rep(manager)), firstNames, "the cut-off side still routes with its last set");
    int duringCut = lab.replicas().size();

    Healed healed = heal(manager);
    lab.stop(clients);
    long minorityFailed = clients.get(manager - 1).failures().size();
    long majorityDuringTakeover = others(manager).stream()
        .mapToLong(h -> clients.get(h - 1).failuresBetween(cutAt, replacedAt + REQUEST_DEADLINE_MS)).sum();
    long majorityAfter = others(manager).stream()
        .mapToLong(h -> clients.get(h - 1).failuresBetween(replacedAt + REQUEST_DEADLINE_MS + 1, Long.MAX_VALUE)).sum();
    List<Long> majorityFailedAt = others(manager).stream().flatMap(h -> clients.get(h - 1).failedAt().stream()).sorted()
        .toList();
    String window = majorityFailedAt.isEmpty() ? "none" : (majorityFailedAt.get(0) - cutAt) + " to "
        + (majorityFailedAt.get(majorityFailedAt.size() - 1) - cutAt) + " ms after the cut";
    System.out.printf("PARTITION (a) manager's host cut off for %d s: no quorum there after %d ms; takeover after %d ms; "
        + "replaced after %d ms; %d requests, failed: %d on the cut-off host, %d on the others during the takeover (%s), %d "
        + "after; %d replica processes during the cut; merged %d ms after the heal, /rep agreed after %d ms; %d replica "
        + "processes %d s later; managers acting at once with a quorum: %s%n", CUT_MS / 1000, noQuorumAt - cutAt,
        takeoverAt - cutAt, replacedAt - cutAt, total(clients), minorityFailed, majorityDuringTakeover, window, majorityAfter,
        duringCut, healed.mergedMs, healed.agreedMs, healed.replicas, SETTLE_MS / 1000, twoActing());
    assertEquals(0, minorityFailed, "failed on the cut-off host: " + clients.get(manager - 1).failures());
    assertEquals(0, majorityAfter, "failed on the majority after its takeover");
    assertEquals(Set.of(), lab.twoActing(), "two managers acting with a quorum");
  }

  @Test
  void onlyTheManagersClusterTrafficCut(TestInfo test) {
    Before before = started(test);
    int manager = before.manager;
    Set<Long> first = before.replicas;
    List<ClientLoop> clients = before.clients;

    long cutAt = now();
    lab.hosts.cutClusterTraffic(manager, ClusterLab.HAZELCAST_PORTS, ClusterLab.BUS_PORT);
    awaitTakeover(before);
    long takeoverAt = now();
    lab.await(() -> lab.cluster(manager).getJsonObject("manager") == null, 15_000,
        "the cut-off manager steps down when its replicas answer that a newer manager claims them");
    long deposedAt = now();
    int most = first.size();
    while (now() < cutAt + CUT_MS) {
      most = Math.max(most, lab.replicas().size());
      lab.pause(1000);
    }
    assertEquals(first, lab.replicas(), "the same replica processes: adopted by the new manager, none killed");

    Healed healed = heal(manager);
    lab.stop(clients);
    System.out.printf("PARTITION (b) only the manager's cluster traffic cut for %d s: takeover after %d ms, the old "
        + "manager deposed by its replicas' answer after %d ms; %d requests, failed: %s by host; at most %d replica "
        + "processes during the cut; merged %d ms after the heal, /rep agreed after %d ms; %d replica processes %d s "
        + "later; managers acting at once with a quorum: %s%n", CUT_MS / 1000, takeoverAt - cutAt, deposedAt - cutAt,
        total(clients), clients.stream().map(c -> c.failures().size()).toList(), most, healed.mergedMs, healed.agreedMs,
        healed.replicas, SETTLE_MS / 1000, twoActing());
    clients.forEach(c -> assertEquals(List.of(), c.failures(), "failed requests"));
    assertEquals(3, most, "never more than N replica processes");
    assertEquals(first, lab.replicas(), "the same 3 replicas after the heal");
    assertEquals(Set.of(), lab.twoActing(), "two managers acting with a quorum");
  }

  @Test
  void aNodeThatIsNotTheManagerCutOff(TestInfo test) {
    Before before = started(test);
    int manager = before.manager;
    long epoch = before.epoch;
    int cut = others(manager).get(0);
    Set<Long> first = before.replicas;
    List<ClientLoop> clients = before.clients;

    long cutAt = now();
    lab.hosts.cut(cut);
    lab.await(() -> !lab.cluster(cut).getBoolean("quorum", true), 10_000, "the cut-off node knows it has no quorum");
    HttpResponse<Buffer> add = lab.add(cut, "{\"n\": 1}");
    assertEquals(503, add.statusCode(), add.bodyAsString());
    while (now() < cutAt + CUT_MS) {
      assertEquals(Map.of(manager, epoch), lab.actingNodes(), "the manager acts on, alone");
      lab.pause(1000);
    }
    assertEquals(first, lab.replicas(), "nothing was started or stopped");

    Healed healed = heal(cut);
    lab.stop(clients);
    long majorityFailed = others(cut).stream().mapToLong(h -> clients.get(h - 1).failures().size()).sum();
    System.out.printf("PARTITION (c) a host that is not the manager's cut off for %d s: %d requests, failed: %d on the "
        + "majority, %d on the cut-off host (its clients reach no replica: they all run on the manager's host); merged "
        + "%d ms after the heal, /rep agreed after %d ms; %d replica processes %d s later; managers acting at once with a "
        + "quorum: %s%n", CUT_MS / 1000, total(clients), majorityFailed, clients.get(cut - 1).failures().size(),
        healed.mergedMs, healed.agreedMs, healed.replicas, SETTLE_MS / 1000, twoActing());
    assertEquals(0, majorityFailed, "failed on the majority");
    assertEquals(Map.of(manager, epoch), lab.actingNodes(), "the same manager after the heal");
    assertEquals(first, lab.replicas(), "the same 3 replicas");
    assertEquals(Set.of(), lab.twoActing(), "two managers acting with a quorum");
  }

  /** What the heal brought: when the cluster was one again, when {@code /rep} agreed, the replicas after that. */
  private record Healed(long mergedMs, long agreedMs, int replicas) { }

  /** Heals {@code host}, waits for one cluster and one {@code /rep}, then {@link #SETTLE_MS}, and checks N replicas. */
  private Healed heal(int host) {
    long healAt = now();
    lab.hosts.heal(host);
    List<Integer> all = IntStream.rangeClosed(1, lab.hosts.count()).boxed().toList();
    lab.await(() -> all.stream().allMatch(h -> lab.cluster(h).getInteger("members", 0) == all.size()
        && lab.cluster(h).getBoolean("quorum", false)), 60_000, "one cluster again");
    long mergedAt = now();
    lab.await(() -> all.stream().map(lab::rep).distinct().count() == 1 && lab.rep(1).getInteger("N", 0) == 3, 30_000,
        "the same /rep on every node");
    long agreedAt = now();
    lab.await(() -> lab.actingNodes().size() == 1, 30_000, "one manager");
    pauseUntil(agreedAt + SETTLE_MS);
    int replicas = lab.replicas().size();
    assertEquals(3, replicas, "replica processes " + SETTLE_MS / 1000 + " s after /rep agreed");
    assertTrue(mergedAt - healAt <= 15_000, "one cluster again within 15 s: " + (mergedAt - healAt) + " ms");
    return new Healed(mergedAt - healAt, agreedAt - healAt, replicas);
  }

  private List<Integer> others(int host) {
    List<Integer> others = new ArrayList<>();
    for (int h = 1; h <= lab.hosts.count(); h++) {
      if (h != host) {
        others.add(h);
      }
    }
    return others;
  }

  private void pauseUntil(long at) {
    long left = at - now();
    if (left > 0) {
      lab.pause(left);
    }
  }

  private static List<String> names(JsonObject rep) {
    return rep.getJsonArray("replicas", new io.vertx.core.json.JsonArray()).stream().map(String::valueOf).toList();
  }

  private static long total(List<ClientLoop> clients) {
    return clients.stream().mapToLong(c -> c.ok() + c.failures().size()).sum();
  }
}
