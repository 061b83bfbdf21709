package dev.lb.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;
import java.util.Map;

/**
 * The cluster's manager candidates: a shared map of node ids to their addresses. An entry of a node no longer in the
 * cluster is ignored, so one that died without leaving needs no clean-up. Unguarded by the quorum: a node cut off may
 * still stand, and leave.
 */
final class Candidates {

  static final String MAP = "lb.manager.candidates";

  private final Vertx vertx;
  private final ClusterManager cluster;

  Candidates(Vertx vertx, ClusterManager cluster) {
    this.vertx = vertx;
    this.cluster = cluster;
  }

  /** This node stands, announcing {@code address}. */
  Future<Void> stand(String address) {
    return map().compose(map -> map.put(cluster.getNodeId(), address));
  }

  /** The addresses of the other candidates alive in the cluster now. */
  Future<List<String>> others() {
    List<String> alive = cluster.getNodes();
    return map().compose(AsyncMap::entries)
        .map((Map<String, String> entries) -> entries.entrySet().stream()
            .filter(e -> !e.getKey().equals(cluster.getNodeId()) && alive.contains(e.getKey()))
            .map(Map.Entry::getValue).toList());
  }

  /** This node no longer stands. */
  Future<Void> leave() {
    return map().compose(map -> map.remove(cluster.getNodeId())).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
