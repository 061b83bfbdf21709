package dev.lb.loadtest.traffic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** {@code traffic.md}: the figures of {@code loadtest traffic} against the targets of traffic control. */
final class TrafficReport {

  private TrafficReport() {}

  static String markdown(JsonObject results) {
    StringBuilder md = new StringBuilder("# Traffic control, measured\n\nBy `java -jar loadtest/target/loadtest.jar traffic`.\n");
    JsonArray weights = results.getJsonArray("weights");
    if (weights != null) {
      md.append("\n## Weights (target: weight 2 gets 2.00 ± 0.05× the mean share of the others)\n\n")
          .append("| N | Maglev (65,537 entries) | ring of 2^23 slots, K = 16,384 |\n|---|---|---|\n");
      weights.forEach(o -> {
        JsonObject row = (JsonObject) o;
        md.append(String.format("| %d | %.3f | %.3f |%n", row.getInteger("n"), row.getDouble("maglev"),
            row.getDouble("strongRing")));
      });
    }
    JsonObject drain = results.getJsonObject("drain");
    if (drain != null) {
      md.append(String.format("%n## Drain (target: 0 failed under 16 clients; ready gives back exactly its keys)%n%n"
              + "Server 2 owned %d of 1,000 keys; while drained it got %d; %d requests failed across drain and ready; "
              + "after ready %d keys had another owner than before.%n", drain.getLong("keysOwned"),
          drain.getLong("keysToDrained"), drain.getLong("failed"), drain.getLong("keysMovedAfterReady")));
    }
    JsonObject slow = results.getJsonObject("slowStart");
    if (slow != null) {
      md.append(String.format("%n## Slow start (targets: ±5 pp at each quarter, 0 failed, p99 ≤ 1.5× steady)%n%n"
          + "%d s window, %d req/s, an even ring (murmur3, M = 65,536, K = 256); the share of ring id 2 in the 2 s around "
          + "each quarter, over its share before; ring id 2 killed, its replacement warming %d ms later.%n%n| quarter | expected | "
          + "measured |%n|---|---|---|%n", slow.getLong("windowMs") / 1000, slow.getInteger("rate"),
          slow.getLong("replacementWarmingAfterKillMs")));
      slow.getJsonArray("quarters").forEach(o -> {
        JsonObject q = (JsonObject) o;
        md.append(String.format("| %d | %.2f | %.2f |%n", q.getInteger("quarter"), q.getDouble("expected"),
            q.getDouble("measured")));
      });
      md.append(String.format("%nWorst %.1f pp off; %d of %d requests failed; p99 %.2f ms after the kill against "
              + "%.2f ms steady (%.2f×).%n", slow.getDouble("worstPp"), slow.getLong("failed"), slow.getLong("requests"),
          slow.getLong("p99AfterKillUs") / 1000.0, slow.getLong("p99SteadyUs") / 1000.0, slow.getDouble("p99Ratio")));
    }
    JsonObject overload = results.getJsonObject("overload");
    if (overload != null) {
      md.append("\n## Overload (targets: ≤ 1.25× when every replica answers 503; a hot key gets 503 within the queue "
          + "timeout, no 504)\n\n| every replica answering 503 | client requests | reached replicas | ratio |\n"
          + "|---|---|---|---|\n");
      for (String budget : new String[] {"20", "0"}) {
        JsonObject run = overload.getJsonObject("all503Budget" + budget);
        if (run != null) {
          md.append(String.format("| `LB_RETRY_BUDGET_PERCENT=%s` | %d | %d | %.2f× |%n", budget,
              run.getLong("clientRequests"), run.getLong("replicaRequests"), run.getDouble("ratio")));
        }
      }
      JsonObject hot = overload.getJsonObject("hotKey");
      if (hot != null) {
        md.append(String.format("%nA key 10× hotter than each of 60 others (murmur3, M = 65,536, K = 256), %d clients, `LB_MAX_INFLIGHT=8 LB_MAX_QUEUE=8 "
                + "LB_QUEUE_TIMEOUT=500ms`, replicas taking 20 ms: %s; slowest 503 %.0f ms, slowest 200 %.0f ms.%n",
            hot.getInteger("clients"), hot.getJsonObject("statuses").encode(), hot.getDouble("slowest503Ms"),
            hot.getDouble("slowest200Ms")));
      }
    }
    return md.toString();
  }
}
