package dev.lb.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Builds and reads the JSON payloads of {@link Addresses}. */
public final class ReplicaMessages {

  public static final String N = "n";
  public static final String HOSTNAMES = "hostnames";
  public static final String REPLICAS = "replicas";
  public static final String MANAGER = "manager";
  public static final String DRAIN = "drain";
  public static final String REPLICA = "replica";
  public static final String REASON = "reason";
  public static final String CHANGE = "change";

  private ReplicaMessages() {}

  /**
   * The replica set as of {@code stamp}, by the manager {@code manager} (its node's id):
   * {"epoch", "version", "manager", "replicas": [...]}; see {@link Stamp}.
   */
  public static JsonObject snapshot(Stamp stamp, String manager, List<ReplicaInfo> replicas) {
    JsonArray list = new JsonArray();
    replicas.forEach(r -> list.add(r.toJson()));
    return stamp.writeTo(new JsonObject()).put(MANAGER, manager).put(REPLICAS, list);
  }

  /** The manager that published {@code snapshot}. */
  public static String manager(JsonObject snapshot) {
    return snapshot.getString(MANAGER, "");
  }

  public static List<ReplicaInfo> replicas(JsonObject snapshot) {
    return snapshot.getJsonArray(REPLICAS).stream().map(o -> ReplicaInfo.fromJson((JsonObject) o)).toList();
  }

  /** The {@code message} of {@code /rep}, {@code /add} and {@code /rm}: {"N": 3, "replicas": ["Server 1", ...]}. */
  public static JsonObject replicaList(JsonObject snapshot) {
    List<String> names = replicas(snapshot).stream().map(ReplicaInfo::name).toList();
    return new JsonObject().put("N", names.size()).put(REPLICAS, new JsonArray(names));
  }

  /** An event of {@link Addresses#REPLICA_SUSPECT}, which balancers send and no epoch orders. */
  public static JsonObject replicaEvent(String replica, String reason) {
    return new JsonObject().put(REPLICA, replica).put(REASON, reason);
  }

  /** An event of {@link Addresses#REPLICA_DOWN} or {@link Addresses#REPLICA_UP}, from the manager of {@code epoch}. */
  public static JsonObject replicaEvent(String replica, String reason, long epoch) {
    return new JsonObject().put(REPLICA, replica).put(REASON, reason).put(Stamp.EPOCH, epoch);
  }

  /** A request of {@link Addresses#drainOf}: {@code snapshot}, which no longer has {@code replicas}, to drain them. */
  public static JsonObject drainRequest(JsonObject snapshot, List<String> replicas) {
    return snapshot.copy().put(DRAIN, new JsonArray(List.copyOf(replicas)));
  }

  /** The replicas a request of {@link Addresses#drainOf} drains. */
  public static List<String> drained(JsonObject request) {
    return request.getJsonArray(DRAIN, new JsonArray()).stream().map(String::valueOf).toList();
  }

  /** A request of {@link Addresses#REPLICA_SHAPE}: {"replica": name, "change": {"weight"?, "state"?}}. */
  public static JsonObject shapeRequest(String replica, JsonObject change) {
    return new JsonObject().put(REPLICA, replica).put(CHANGE, change);
  }

  /** Replica {@code name} of {@code snapshot}, or null. */
  public static ReplicaInfo replicaNamed(JsonObject snapshot, String name) {
    return replicas(snapshot).stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  public static String replica(JsonObject event) {
    return event.getString(REPLICA);
  }

  public static String reason(JsonObject event) {
    return event.getString(REASON, "");
  }

  public static final String OK = "ok";
  public static final String CERTAIN = "certain";
  public static final String WATCH = "watch";
  public static final String UNTIL = "until";
  public static final String HOLD_MS = "holdMs";

  /** A message of {@link Addresses#OUTLIER_REPORT}. */
  public static JsonObject outlierReport(ReplicaInfo replica, boolean ok, boolean certain) {
    return new JsonObject().put(REPLICA, replica.toJson()).put(OK, ok).put(CERTAIN, certain);
  }

  /** An event of {@link Addresses#OUTLIER_WATCH}. */
  public static JsonObject outlierWatch(String replica, boolean watch) {
    return new JsonObject().put(REPLICA, replica).put(WATCH, watch);
  }

  /** An event of {@link Addresses#OUTLIER_EJECTED}. */
  public static JsonObject outlierEjected(String replica, long untilNanos, long holdMs) {
    return new JsonObject().put(REPLICA, replica).put(UNTIL, untilNanos).put(HOLD_MS, holdMs);
  }

  /** Options for a request that may take {@code timeoutMs} to be answered. */
  public static DeliveryOptions within(long timeoutMs) {
    return new DeliveryOptions().setSendTimeout(timeoutMs);
  }
}
