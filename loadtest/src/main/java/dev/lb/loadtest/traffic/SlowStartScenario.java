package dev.lb.loadtest.traffic;

import dev.lb.loadtest.load.Plan;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Wait;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/** Slow start after a replica is killed under load (see {@link #run}). */
final class SlowStartScenario {

  /** The share of its keys a warming replica takes at first (the balancer's {@code SlowStart.FLOOR}). */
  private static final double FLOOR = 0.1;

  private final Lab lab;

  SlowStartScenario(Lab lab) {
    this.lab = lab;
  }

  // ---- slow start ----------------------------------------------------------------------------------------------------

  /**
   * At {@code rate} requests/s: a steady run (p99, the share of ring id 2), then ring id 2's replica is killed
   * (SIGKILL) and the replacement's share is read at each quarter of the window, as a fraction of the share it had,
   * against the ramp; with the p99 of the run after the kill and its failures.
   */
  JsonObject run(long windowMs, int rate) {
    // an even ring (a third of the keys each), so that a second of replies shows a share to a few points
    Map<String, String> env = Map.of("LB_SLOW_START", windowMs + "ms", "LB_HASH", "murmur3", "LB_SLOTS", "65536",
        "LB_VNODES", "256");
    try (Balancer b = lab.balancer("slowstart", env)) {
      lab.generator().run(Plan.fixedRate(b.endpoint(), rate, 15_000, 64)).await();
      Run steady = lab.generator().run(countingRate(b, rate, 10_000, null)).await();
      double fullShare = steady.perReplica().getOrDefault("Server 2", 0L) / (double) steady.ok();
      // the 20 s after the kill at least, so that a run without slow start (0) is measured over as long
      long runMs = Math.max(windowMs, 20_000) + 6_000;
      String[] byIndex = new String[(int) (rate * runMs / 1000)];
      Future<Run> load = lab.generator().run(countingRate(b, rate, runMs, (k, replica) -> {
        if (k < byIndex.length) {
          byIndex[k] = replica;
        }
      }));
      Wait.pause(500);
      long killedAt = System.currentTimeMillis();
      long pid = kill(b, 2);
      long warmingFrom = awaitReplacement(b, 2, killedAt);
      Run after = load.await();
      long start = after.startMillis();
      JsonArray quarters = new JsonArray();
      double worst = 0;
      for (int q = 1; q <= 4 && windowMs > 0; q++) {
        long at = warmingFrom + windowMs * q / 4;
        double share = shareAround(byIndex, start, rate, at, "Server 2");
        double ramp = fullShare == 0 ? 0 : share / fullShare;
        double expected = Math.min(1, FLOOR + (1 - FLOOR) * q / 4.0);
        worst = Math.max(worst, Math.abs(ramp - expected));
        quarters.add(new JsonObject().put("quarter", q).put("expected", expected).put("measured", ramp));
      }
      double p99Ratio = after.latency().p99() / (double) Math.max(1, steady.latency().p99());
      lab.print().printf("slow start (%d s, %d req/s): replica of ring id 2 (pid %d) killed; its replacement warmed from %d ms "
          + "after; its share at the quarters %s (expected %s); worst %.1f pp off; %d of %d requests failed; p99 %.2f ms "
          + "after the kill against %.2f ms steady (%.2fx)%n", windowMs / 1000, rate, pid, warmingFrom - killedAt,
          quarters.stream().map(o -> String.format("%.2f", ((JsonObject) o).getDouble("measured"))).toList(),
          quarters.stream().map(o -> String.format("%.2f", ((JsonObject) o).getDouble("expected"))).toList(),
          worst * 100, after.errors(), after.total(), after.latency().p99() / 1000.0, steady.latency().p99() / 1000.0,
          p99Ratio);
      lab.print().flush();
      return new JsonObject().put("windowMs", windowMs).put("rate", rate).put("fullShare", fullShare)
          .put("replacementWarmingAfterKillMs", warmingFrom - killedAt).put("quarters", quarters)
          .put("worstPp", worst * 100).put("failed", after.errors()).put("requests", after.total())
          .put("p99SteadyUs", steady.latency().p99()).put("p99AfterKillUs", after.latency().p99())
          .put("p99Ratio", p99Ratio);
    }
  }

  private static Plan countingRate(Balancer b, int rate, long ms, Plan.ReplyListener listener) {
    Plan plan = new Plan(b.endpoint(), Plan.RANDOM_ID, null, 64, Integer.MAX_VALUE, ms, rate, 10_000, true, null);
    return listener == null ? plan : plan.onReply(listener);
  }

  /** The share of {@code replica} among the replies to the requests due within a second of {@code at}. */
  private static double shareAround(String[] byIndex, long startMillis, int rate, long at, String replica) {
    int from = (int) Math.max(0, (at - 1000 - startMillis) * rate / 1000);
    int to = (int) Math.min(byIndex.length, (at + 1000 - startMillis) * rate / 1000);
    long mine = 0;
    long all = 0;
    for (int k = from; k < to; k++) {
      if (byIndex[k] != null) {
        all++;
        mine += byIndex[k].equals(replica) ? 1 : 0;
      }
    }
    return all == 0 ? 0 : mine / (double) all;
  }

  /** SIGKILLs the replica process of {@code ringId}, found by its instance in {@code GET /replicas}; its pid. */
  private static long kill(Balancer b, int ringId) {
    JsonObject replica = replicaOn(b, ringId);
    long pid = Long.parseLong(replica.getString("instance"));
    ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid)).destroyForcibly();
    return pid;
  }

  private static JsonObject replicaOn(Balancer b, int ringId) {
    return b.send(HttpMethod.GET, "/replicas", null).bodyAsJsonObject().getJsonArray("message").stream()
        .map(o -> (JsonObject) o).filter(r -> r.getInteger("ringId") == ringId).findFirst()
        .orElseThrow(() -> new IllegalStateException("no replica on ring id " + ringId));
  }

  /** Waits for a replacement on {@code ringId} that warms up; when it began to (epoch ms). */
  private static long awaitReplacement(Balancer b, int ringId, long since) {
    long[] from = {0};
    boolean replaced = Wait.until(() -> {
      String warming = replicaOn(b, ringId).getString("warmingFrom");
      long at = warming == null ? 0 : Instant.parse(warming).toEpochMilli();
      from[0] = at;
      return at >= since;
    }, 20_000, 50);
    if (!replaced) {
      throw new IllegalStateException("no replacement of ring id " + ringId + " warmed up within 20 s");
    }
    return from[0];
  }

}
