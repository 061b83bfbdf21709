package dev.lb.cluster;

import dev.lb.config.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Whether the nodes of a cluster route alike: every node publishes the settings that decide where a key goes (its
 * routing profile) in a cluster-wide map under its node id, and a joining node compares its own with those of the
 * members present. One that differs is refused (its start fails as a bad configuration: it logs why and exits 2),
 * unless the operator asked for a rolling change ({@code cluster.rolling}); then it joins, and the difference is
 * reported on {@code /api/cluster}, the dashboard and {@code lb_cluster_routing_differing}. Replica weights are
 * part of the replica set itself, which every node reads from the same snapshots: they cannot differ.
 */
public final class RoutingAgreement {

  private static final System.Logger LOG = System.getLogger(RoutingAgreement.class.getName());
  static final String MAP = "lb.routing";
  /** The settings that decide which replica a key goes to. */
  static final List<String> SETTINGS = List.of(ConfigKeys.RING_ALGORITHM, ConfigKeys.RING_HASH, ConfigKeys.RING_SLOTS,
      ConfigKeys.RING_VNODES, ConfigKeys.RING_PROBING, ConfigKeys.RING_MAGLEV_SIZE, ConfigKeys.RING_BALANCE_FACTOR,
      ConfigKeys.RING_BALANCE_MEASURE, ConfigKeys.KEY);
  private static final String HOST = "host";
  private static final String PROFILE = "profile";

  private final Vertx vertx;
  private final String node;
  private final String host;
  private final JsonObject profile;
  private final Supplier<List<String>> members;

  /**
   * The agreement of node {@code node} (its cluster id), announced as {@code host}, routing as {@code conf} says, in a
   * cluster whose present members' ids {@code members} gives.
   */
  public RoutingAgreement(Vertx vertx, String node, String host, JsonObject conf, Supplier<List<String>> members) {
    this.vertx = vertx;
    this.node = node;
    this.host = host;
    this.profile = profile(conf);
    this.members = members;
  }

  /** The settings of {@code conf} that decide routing. */
  static JsonObject profile(JsonObject conf) {
    JsonObject profile = new JsonObject();
    SETTINGS.forEach(key -> profile.put(key, conf.getValue(key)));
    return profile;
  }

  /** Each setting that differs between {@code here} and {@code there}: {"setting": {"here": …, "there": …}}. */
  static JsonObject differences(JsonObject here, JsonObject there) {
    JsonObject diff = new JsonObject();
    Set<String> keys = new LinkedHashSet<>(here.fieldNames());
    keys.addAll(there.fieldNames());
    for (String key : keys) {
      Object a = here.getValue(key);
      Object b = there.getValue(key);
      if (!Objects.equals(a == null ? null : String.valueOf(a), b == null ? null : String.valueOf(b))) {
        diff.put(key, new JsonObject().put("here", a).put("there", b));
      }
    }
    return diff;
  }

  /**
   * Joins: compares this node's profile with the present members' and publishes it. Fails with an
   * {@link IllegalArgumentException} naming each difference if one differs and {@code rolling} is false; its entry is
   * then not published. No lock is taken: Vert.x's cluster-wide locks need a quorum, which the first nodes to start do
   * not have yet; two nodes joining in the same instant with different settings are both let in, and then reported
   * by the {@link RoutingAgreementVerticle} of each, as a rolling change is.
   */
  public Future<JsonObject> join(boolean rolling) {
    return state().compose(state -> {
      if (!state.getBoolean("agrees") && !rolling) {
        return Future.<JsonObject>failedFuture(new IllegalArgumentException(refusal(state)));
      }
      if (!state.getBoolean("agrees")) {
        LOG.log(Level.WARNING, "this node routes unlike others of the cluster, as a rolling change "
            + "(cluster.rolling) allows: {0}", state.getJsonArray("differing").encode());
      }
      return map().compose(m -> m.put(node, new JsonObject().put(HOST, host).put(PROFILE, profile).encode()))
          .map(state);
    });
  }

  private static String refusal(JsonObject state) {
    StringBuilder why = new StringBuilder("this node would route keys unlike the cluster it joins, so it is refused");
    for (Object o : state.getJsonArray("differing")) {
      JsonObject other = (JsonObject) o;
      why.append("; against ").append(other.getString(HOST)).append(":");
      other.getJsonObject("differences").forEach(e -> {
        JsonObject d = (JsonObject) e.getValue();
        why.append(' ').append(e.getKey()).append(" is ").append(d.getValue("here")).append(" here, ")
            .append(d.getValue("there")).append(" there");
      });
    }
    return why.append(" (set cluster.rolling=true, LB_CLUSTER_ROLLING, to join anyway during a rolling change)")
        .toString();
  }

  /**
   * How this node's routing compares with that of the members present now: {"agrees", "here": profile, "differing":
   * [{"node", "host", "differences"}]}.
   */
  public Future<JsonObject> state() {
    return map().compose(AsyncMap::entries).map(entries -> {
      List<String> present = members.get();
      JsonArray differing = new JsonArray();
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        if (entry.getKey().equals(node) || !present.contains(entry.getKey())) {
          continue;
        }
        JsonObject other = new JsonObject(entry.getValue());
        JsonObject diff = differences(profile, other.getJsonObject(PROFILE, new JsonObject()));
        if (!diff.isEmpty()) {
          differing.add(new JsonObject().put("node", entry.getKey()).put(HOST, other.getString(HOST))
              .put("differences", diff));
        }
      }
      return new JsonObject().put("agrees", differing.isEmpty()).put("here", profile).put("differing", differing);
    });
  }

  /**
   * Keeps the map true: entries of nodes no longer members go (a node that crashed never removes its own), and this
   * node's entry is put back if another node, not seeing it for a while (a partition), took it out.
   */
  public Future<Void> tidy() {
    return map().compose(m -> m.entries().compose(entries -> {
      List<String> present = members.get();
      List<Future<?>> edits = new ArrayList<>();
      for (String id : entries.keySet()) {
        if (!id.equals(node) && !present.contains(id)) {
          edits.add(m.remove(id));
        }
      }
      if (!entries.containsKey(node)) {
        edits.add(m.put(node, new JsonObject().put(HOST, host).put(PROFILE, profile).encode()));
      }
      return Future.all(edits).mapEmpty();
    }));
  }

  /** This node leaves: its entry goes. */
  public Future<Void> leave() {
    return map().compose(m -> m.remove(node)).mapEmpty();
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
