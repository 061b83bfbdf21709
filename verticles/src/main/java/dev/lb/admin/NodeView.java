package dev.lb.admin;

import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.ring.Ring;
import dev.lb.ring.RingPicture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What this node knows of the replica set, for people to look at: the set and its ring, each replica's state
 * (starting, up, suspect, down, replacing, ejected), its traffic through this node's balancers, and the last lifecycle
 * events. Built from the bus's events alone (no probing), so it is cheap to ask for every second. Confined to the
 * admin verticle's event loop. The meters of the set are kept elsewhere ({@code dev.lb.metrics.ReplicaMetricsVerticle}).
 */
final class NodeView {

  static final int EVENTS_KEPT = 200;

  private final Function<Collection<Integer>, Ring> ringFactory;
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
  private final Map<String, Long> ejectedUntil = new HashMap<>();
  private final Map<String, Integer> starting = new LinkedHashMap<>();
  private final Deque<JsonObject> events = new ArrayDeque<>();

  /** An empty view; {@code proxyMetrics} are the meters its traffic figures are read from. */
  NodeView(Function<Collection<Integer>, Ring> ringFactory, ProxyMetrics proxyMetrics) {
    this.ringFactory = ringFactory;
    this.proxyMetrics = proxyMetrics;
    this.ring = ringFactory.apply(List.of());
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
    ring = ringFactory.apply(replicas.stream().map(ReplicaInfo::ringId).toList());
    picture = RingPicture.of(ring);
    Set<String> names = new HashSet<>();
    replicas.forEach(r -> names.add(r.name()));
    names.forEach(starting::remove);
    down.retainAll(names);
    suspect.retainAll(names);
    replacing.retainAll(names);
    ejectedUntil.keySet().retainAll(names);
    return true;
  }

  void down(String name) {
    down.add(name);
  }

  void up(String name) {
    down.remove(name);
    suspect.remove(name);
  }

  void suspect(String name) {
    suspect.add(name);
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
      case EJECTED -> ejectedUntil.put(name, event.getLong(Lifecycle.TIME, 0L) + event.getLong(Lifecycle.HOLD_MS, 0L));
      default -> { }
    }
  }

  /** Refreshes each replica's traffic figures: call once a second. */
  void tick() {
    stats.tick(proxyMetrics);
  }

  private String state(ReplicaInfo r, long now) {
    if (replacing.contains(r.name())) {
      return "replacing";
    }
    if (down.contains(r.name())) {
      return "down";
    }
    if (ejectedUntil.getOrDefault(r.name(), 0L) > now) {
      return "ejected";
    }
    return suspect.contains(r.name()) ? "suspect" : "up";
  }

  boolean routable(String name) {
    return !down.contains(name) && !replacing.contains(name);
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
    long now = System.currentTimeMillis();
    JsonArray cards = new JsonArray();
    for (ReplicaInfo r : replicas) {
      cards.add(new JsonObject().put("name", r.name()).put("ringId", r.ringId()).put("address", r.address())
          .put("instance", r.instance()).put("state", state(r, now)).put("colour", Palette.hex(r.ringId()))
          .put("share", picture.shares().getOrDefault(r.ringId(), 0.0)).mergeIn(stats.of(r.name())));
    }
    starting.forEach((name, ringId) -> cards.add(new JsonObject().put("name", name).put("ringId", ringId)
        .put("address", "").put("state", "starting").put("colour", Palette.hex(ringId)).put("share", 0.0)));
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
