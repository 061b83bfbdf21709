package dev.lb.admin;

import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.ring.Ring;
import dev.lb.ring.RingFactory;
import dev.lb.ring.RingPicture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this node knows of the replica set, for people to look at: the set and its ring, each replica's
 * {@link ReplicaState} (starting, up, suspect, down, replacing, ejected), its traffic through this node's balancers,
 * and the last lifecycle events. Built from the bus's events alone (no probing), so it is cheap to ask for every
 * second. Confined to the admin verticle's event loop. The meters of the set are kept elsewhere
 * ({@code dev.lb.metrics.ReplicaMetricsVerticle}).
 *
 * <p>A replica is routable here by the rule a balancer's {@code RoutingTable} applies (see {@link ReplicaState}), from
 * the same events: down and up events of an epoch older than the set are ignored, as are events of a replica not in
 * the set, and an ejection is the node's outlier detector's ({@code lb.outlier.ejected}, held until the same
 * {@link System#nanoTime()}). The code is not shared (the table keeps its state in arrays by ring id, for its hot path,
 * on a balancer's event loop), and the two still differ where a balancer instance decides alone:
 * <ul>
 *   <li>a suspicion is a balancer instance's own, from a connection its forward could not make, while this view hears
 *       those of every balancer of the cluster ({@code lb.replica.suspect} is published to all) and cannot tell whose
 *       they are: it shows the replica suspect, not routable, though the other instances still route to it until the
 *       heartbeat announces it down;</li>
 *   <li>with bounded loads ({@code ring.balance.factor}), a balancer also passes over a routable owner with no room
 *       left, request by request: that is no state of the replica.</li>
 * </ul>
 */
final class NodeView {

  static final int EVENTS_KEPT = 200;

  private final RingFactory ringFactory;
  private final ProxyMetrics proxyMetrics;
  private final Stats stats = new Stats();
  private Stamp applied = Stamp.NONE;
  private JsonObject snapshot = ReplicaMessages.snapshot(Stamp.NONE, "", List.of());
  private List<ReplicaInfo> replicas = List.of();
  private Ring ring;
  private RingPicture picture;
  private final Set<String> down = new HashSet<>();
  private final Set<String> suspect = new HashSet<>();
  private final Set<String> replacing = new HashSet<>();
  /** Until when ({@link System#nanoTime()}) the node's outlier detector holds a replica out of routing. */
  private final Map<String, Long> heldUntil = new HashMap<>();
  private final Map<String, Integer> starting = new LinkedHashMap<>();
  private final Deque<JsonObject> events = new ArrayDeque<>();

  /** An empty view; {@code proxyMetrics} are the meters its traffic figures are read from. */
  NodeView(RingFactory ringFactory, ProxyMetrics proxyMetrics) {
    this.ringFactory = ringFactory;
    this.proxyMetrics = proxyMetrics;
    this.ring = ringFactory.of(List.of());
    this.picture = RingPicture.of(ring);
  }

  /** A newer snapshot of the set; false if it is not newer. */
  boolean apply(JsonObject next) {
    Stamp stamp = Stamp.of(next);
    if (!stamp.newerThan(applied)) {
      return false;
    }
    applied = stamp;
    snapshot = next;
    replicas = ReplicaMessages.replicas(next);
    ring = ringFactory.build(ReplicaInfo.weights(replicas));
    picture = RingPicture.of(ring);
    Set<String> names = new HashSet<>();
    replicas.forEach(r -> names.add(r.name()));
    names.forEach(starting::remove);
    down.retainAll(names);
    suspect.retainAll(names);
    replacing.retainAll(names);
    heldUntil.keySet().retainAll(names);
    return true;
  }

  /** An event of {@code lb.replica.down}: the heartbeat (or the replica's exit) says it is gone. */
  void down(JsonObject event) {
    String name = ReplicaMessages.replica(event);
    if (current(event) && isMember(name)) {
      down.add(name);
    }
  }

  /** An event of {@code lb.replica.up}: a down or suspected replica answers again. */
  void up(JsonObject event) {
    String name = ReplicaMessages.replica(event);
    if (current(event)) {
      down.remove(name);
      suspect.remove(name);
    }
  }

  /** An event of {@code lb.replica.suspect}: a balancer's forward to it failed; it carries no epoch. */
  void suspect(JsonObject event) {
    String name = ReplicaMessages.replica(event);
    if (isMember(name)) {
      suspect.add(name);
    }
  }

  /** An event of {@code lb.outlier.ejected}: the node's outlier detector holds the replica out until a given time. */
  void ejected(JsonObject event) {
    String name = ReplicaMessages.replica(event);
    if (isMember(name)) {
      heldUntil.put(name, event.getLong(ReplicaMessages.UNTIL, 0L));
    }
  }

  /** Whether an event of the manager's is of the set's epoch or newer: a deposed manager's is ignored. */
  private boolean current(JsonObject event) {
    return Stamp.epochOf(event) >= applied.epoch();
  }

  private boolean isMember(String name) {
    return replicas.stream().anyMatch(r -> r.name().equals(name));
  }

  /** A lifecycle event: kept in the log, and what it says about a replica's state. */
  void lifecycle(JsonObject event) {
    events.addFirst(event);
    while (events.size() > EVENTS_KEPT) {
      events.removeLast();
    }
    String name = event.getString(ReplicaMessages.REPLICA, "");
    Lifecycle.Event what = Lifecycle.eventOf(event);
    if (what == null) {
      return;
    }
    switch (what) {
      case STARTING -> starting.put(name, event.getInteger(Lifecycle.RING_ID, 0));
      case FAILED -> starting.remove(name);
      case REPLACING -> replacing.add(name);
      default -> { }
    }
  }

  /** Refreshes each replica's traffic figures: call once a second. */
  void tick() {
    stats.tick(proxyMetrics);
  }

  /**
   * The state of replica {@code name} of the set (null if it is not in it). Suspect before ejected: a failed connection
   * does both, and the balancer that saw it routes around the replica until it answers, held out or not.
   */
  ReplicaState state(String name) {
    return replicas.stream().filter(r -> r.name().equals(name)).findFirst()
        .map(r -> state(r, System.nanoTime())).orElse(null);
  }

  private ReplicaState state(ReplicaInfo r, long now) {
    if (replacing.contains(r.name())) {
      return ReplicaState.REPLACING;
    }
    if (down.contains(r.name())) {
      return ReplicaState.DOWN;
    }
    if (suspect.contains(r.name())) {
      return ReplicaState.SUSPECT;
    }
    Long held = heldUntil.get(r.name());
    return held != null && held - now > 0 ? ReplicaState.EJECTED : ReplicaState.UP;
  }

  /**
   * Whether the balancers send replica {@code name} the keys it owns (see {@link ReplicaState#routable()}): not when an
   * operator drains it or put it in maintenance.
   */
  boolean routable(String name) {
    return replicas.stream().filter(r -> r.name().equals(name)).findFirst()
        .map(r -> r.shaping().routed() && state(r, System.nanoTime()).routable()).orElse(false);
  }

  /**
   * Whether a balancer would find a replica for a request: a routable one, or, in its panic mode, one that is held out
   * but up.
   */
  boolean serves() {
    long now = System.nanoTime();
    return replicas.stream().anyMatch(r -> r.shaping().routed() && state(r, now).up());
  }

  List<ReplicaInfo> replicas() {
    return replicas;
  }

  JsonObject snapshot() {
    return snapshot;
  }

  /** Where {@code key} lands: its slot of the picture, and the replica that owns it. */
  JsonObject lookup(long key) {
    int owner = ring.owner(key, id -> true);
    String name = replicas.stream().filter(r -> r.ringId() == owner).map(ReplicaInfo::name).findFirst().orElse(null);
    return new JsonObject().put("slot", RingPicture.slotOf(ring, key)).put("ringId", owner).put("replica", name);
  }

  /** Everything a dashboard shows. */
  JsonObject state(JsonObject node) {
    long now = System.nanoTime();
    JsonArray cards = new JsonArray();
    for (ReplicaInfo r : replicas) {
      cards.add(new JsonObject().put("name", r.name()).put("ringId", r.ringId()).put("address", r.address())
          .put("instance", r.instance()).put("state", state(r, now).json()).put("colour", Palette.hex(r.ringId()))
          .put("weight", r.shaping().weight()).put("traffic", r.shaping().state().json())
          .put("share", picture.shares().getOrDefault(r.ringId(), 0.0)).mergeIn(stats.of(r.name())));
    }
    starting.forEach((name, ringId) -> cards.add(new JsonObject().put("name", name).put("ringId", ringId)
        .put("address", "").put("state", ReplicaState.STARTING.json()).put("colour", Palette.hex(ringId)).put("share", 0.0)));
    JsonArray arcs = new JsonArray();
    picture.arcs().forEach(a -> arcs.add(new JsonArray().add(a.from()).add(a.to()).add(a.ringId())));
    JsonArray nodes = new JsonArray();
    picture.nodes().forEach(n -> nodes.add(new JsonArray().add(n.slot()).add(n.ringId())));
    return node.copy().put("epoch", applied.epoch()).put("version", applied.version())
        .put("manager", ReplicaMessages.manager(snapshot))
        .put("ring", new JsonObject().put("kind", picture.kind()).put("slots", picture.slots()).put("arcs", arcs)
            .put("nodes", nodes))
        .put("replicas", cards).put("events", new JsonArray(List.copyOf(events)));
  }
}
