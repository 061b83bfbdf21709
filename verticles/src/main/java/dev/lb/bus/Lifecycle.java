package dev.lb.bus;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * The lifecycle events of replicas: each is logged as one line (logger {@code dev.lb.lifecycle}, with the replica's
 * name, ring id and address) and published on {@link Addresses#LIFECYCLE}, where dashboards and counters hear it.
 */
public final class Lifecycle {

  private static final System.Logger LOG = System.getLogger("dev.lb.lifecycle");

  /** What happened to a replica. */
  public enum Event {
    /** A replica is being started (by /add, at boot, or to replace one). */
    STARTING,
    /** It answers its health path and joins the set. */
    STARTED,
    /** A manager that took over found it running and kept it. */
    ADOPTED,
    /** The heartbeat (or its exit) says it is gone. */
    DOWN,
    /** Its successor is being started on its ring id. */
    REPLACING,
    /** Its successor took its place. */
    REPLACED,
    /** {@code /rm} stopped it. */
    REMOVED,
    /** A node's outlier detector holds it out of its balancers' routing for a while. */
    EJECTED,
    /** It could not be started. */
    FAILED
  }

  public static final String EVENT = "event";
  public static final String RING_ID = "ringId";
  public static final String ADDRESS = "address";
  public static final String DETAIL = "detail";
  public static final String TIME = "time";
  /** How long an ejected replica is held out of routing, in ms (ejected events only). */
  public static final String HOLD_MS = "holdMs";

  private Lifecycle() {}

  /** Logs and publishes {@code event} of replica {@code name} (ring id, address: "" if not known yet). */
  public static void emit(Vertx vertx, Event event, String name, int ringId, String address, String detail) {
    publish(vertx, event, name, ringId, address, detail, new JsonObject());
  }

  public static void emit(Vertx vertx, Event event, ReplicaInfo replica, String detail) {
    emit(vertx, event, replica.name(), replica.ringId(), replica.address(), detail);
  }

  /** Logs and publishes that a node's outlier detector holds {@code replica} out of routing for {@code holdMs}. */
  public static void ejected(Vertx vertx, ReplicaInfo replica, long holdMs, String detail) {
    publish(vertx, Event.EJECTED, replica.name(), replica.ringId(), replica.address(), detail,
        new JsonObject().put(HOLD_MS, holdMs));
  }

  private static void publish(Vertx vertx, Event event, String name, int ringId, String address, String detail,
      JsonObject fields) {
    Level level = event == Event.DOWN || event == Event.EJECTED || event == Event.FAILED ? Level.WARNING : Level.INFO;
    String word = event.name().toLowerCase(Locale.ROOT);
    LOG.log(level, "replica ''{1}'' (ring id {2,number,#}{3}) {0}{4}", word, name, ringId,
        address.isEmpty() ? "" : ", " + address, detail.isEmpty() ? "" : ": " + detail);
    vertx.eventBus().publish(Addresses.LIFECYCLE, fields.put(EVENT, word).put(ReplicaMessages.REPLICA, name)
        .put(RING_ID, ringId).put(ADDRESS, address).put(DETAIL, detail).put(TIME, System.currentTimeMillis()));
  }

  /** The event a payload of {@link Addresses#LIFECYCLE} carries; null if it names none this version knows. */
  public static Event eventOf(JsonObject payload) {
    try {
      return Event.valueOf(payload.getString(EVENT, "").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
