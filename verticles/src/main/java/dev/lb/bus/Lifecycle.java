package dev.lb.bus;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;

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
    /** A balancer's outlier detection holds it out of routing for a while. */
    EJECTED,
    /** It could not be started. */
    FAILED
  }

  public static final String EVENT = "event";
  public static final String RING_ID = "ringId";
  public static final String ADDRESS = "address";
  public static final String DETAIL = "detail";
  public static final String TIME = "time";

  private Lifecycle() {}

  /** Logs and publishes {@code event} of replica {@code name} (ring id, address: "" if not known yet). */
  public static void emit(Vertx vertx, Event event, String name, int ringId, String address, String detail) {
    Level level = event == Event.DOWN || event == Event.EJECTED || event == Event.FAILED ? Level.WARNING : Level.INFO;
    LOG.log(level, "replica ''{1}'' (ring id {2,number,#}{3}) {0}{4}", event.name().toLowerCase(java.util.Locale.ROOT),
        name, ringId, address.isEmpty() ? "" : ", " + address, detail.isEmpty() ? "" : ": " + detail);
    vertx.eventBus().publish(Addresses.LIFECYCLE, new JsonObject().put(EVENT, event.name().toLowerCase(java.util.Locale.ROOT))
        .put(ReplicaMessages.REPLICA, name).put(RING_ID, ringId).put(ADDRESS, address).put(DETAIL, detail)
        .put(TIME, System.currentTimeMillis()));
  }

  public static void emit(Vertx vertx, Event event, ReplicaInfo replica, String detail) {
    emit(vertx, event, replica.name(), replica.ringId(), replica.address(), detail);
  }
}
