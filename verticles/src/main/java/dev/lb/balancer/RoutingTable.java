package dev.lb.balancer;

import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.ring.LoadBound;
import dev.lb.ring.Ring;
import dev.lb.ring.RingFactory;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * A balancer's routing state, confined to its event loop: the ring built from the manager's latest snapshot, where
 * each ring id is reached, which replicas are out of routing (announced down, suspected after a connection failure,
 * or held out by the node's outlier detector), each replica's requests in flight, and with bounded loads its load.
 * Forwards' outcomes go to the outlier detector ({@link Reports}): every failure, and the successes of a replica it
 * watches; nothing for the successes of the others, so that the hot path stays quiet.
 *
 * <p>The manager's snapshot also shapes routing ({@link dev.lb.bus.Shaping}): weights build the ring, a replica in {@code drain} or
 * {@code maint} is out of routing (its keys go to their next owner, and the same keys come back when it is ready), and,
 * with slow start, a replica that warms up takes a growing share of its keys ({@link SlowStart}).
 */
final class RoutingTable {

  /** Where the outcomes of forwards go: the node's outlier detector. */
  interface Reports {
    void failed(ReplicaInfo replica, boolean certain);

    void succeeded(ReplicaInfo replica);
  }

  private final RingFactory ringFactory;
  private final SlowStart slowStart;
  private Map<Integer, Integer> weights = Map.of();
  private Consumer<Set<String>> outOfRouting = names -> { };
  private final LoadBound bound;
  private final Reports reports;
  private final InFlight inFlight;
  private final Map<String, Long> heldUntil = new HashMap<>();
  private final Set<String> watched = new HashSet<>();
  private final long origin = System.nanoTime();
  private long[] ejectedUntil = new long[0];
  private long now;
  private final Set<String> unavailable = new HashSet<>();
  private Ring ring;
  private ReplicaInfo[] byRingId = new ReplicaInfo[0];
  private boolean[] usable = new boolean[0];
  private int usableCount;
  private List<ReplicaInfo> replicas = List.of();
  private JsonObject snapshot = ReplicaMessages.snapshot(Stamp.NONE, "", List.of());
  private Stamp applied = Stamp.NONE;
  private final IntPredicate up = id -> id < usable.length && usable[id];
  private final IntPredicate routable;
  private final IntPredicate routableWithRoom;

  /** A table whose rings {@code ringFactory} builds, reporting forwards' outcomes to {@code reports}. */
  RoutingTable(RingFactory ringFactory, LoadBound bound, Reports reports, InFlight inFlight) {
    this(ringFactory, bound, reports, inFlight, 0, System::currentTimeMillis);
  }

  /** As above, with a slow start of {@code slowStartMs} (0: none) timed by {@code wallClock} (epoch ms). */
  RoutingTable(RingFactory ringFactory, LoadBound bound, Reports reports, InFlight inFlight, long slowStartMs,
      LongSupplier wallClock) {
    this.ringFactory = ringFactory;
    this.slowStart = new SlowStart(slowStartMs, wallClock);
    this.routable = id -> up.test(id) && ejectedUntil[id] <= now && slowStart.admits(id);
    this.bound = bound;
    this.reports = reports;
    this.inFlight = inFlight;
    this.routableWithRoom = id -> routable.test(id) && bound.admits(id, usableCount);
    this.ring = ringFactory.of(List.of());
  }

  /**
   * Applies a snapshot unless its stamp is not newer than the one applied (a deposed manager's, or one that arrived
   * late); rebuilds the ring only if its members changed.
   */
  boolean apply(JsonObject next) {
    Stamp stamp = Stamp.of(next);
    if (!stamp.newerThan(applied)) {
      return false;
    }
    applied = stamp;
    snapshot = next;
    List<ReplicaInfo> previous = replicas;
    replicas = ReplicaMessages.replicas(next);
    int[] ids = replicas.stream().mapToInt(ReplicaInfo::ringId).sorted().toArray();
    Map<Integer, Integer> nextWeights = ReplicaInfo.weights(replicas);
    if (!Arrays.equals(ids, ring.members()) || !nextWeights.equals(weights)) {
      ring = ringFactory.build(nextWeights);
      weights = nextWeights;
      bound.membersChanged();
    }
    byRingId = new ReplicaInfo[ids.length == 0 ? 1 : ids[ids.length - 1] + 1];
    replicas.forEach(r -> byRingId[r.ringId()] = r);
    slowStart.apply(replicas, byRingId.length);
    Set<String> names = new HashSet<>();
    replicas.forEach(r -> names.add(r.name()));
    Set<String> left = new HashSet<>();
    previous.forEach(r -> left.add(r.name()));
    left.removeAll(names);
    inFlight.left(left);
    unavailable.retainAll(names);
    heldUntil.keySet().retainAll(names);
    watched.retainAll(names);
    refresh();
    // those who wait for a replica no longer routed to (gone, drained, in maintenance) are tried elsewhere
    replicas.stream().filter(r -> !r.shaping().routed()).forEach(r -> left.add(r.name()));
    if (!left.isEmpty()) {
      outOfRouting.accept(left);
    }
    return true;
  }

  /**
   * {@code listener} hears, with each snapshot applied, the names of the replicas it no longer routes to: those that
   * left the set and those an operator drains or put in maintenance.
   */
  void onOutOfRouting(Consumer<Set<String>> listener) {
    this.outOfRouting = listener;
  }

  /** The snapshot applied last. */
  JsonObject snapshot() {
    return snapshot;
  }

  /** Takes a replica out of routing on an event of the manager; ignored if it comes from an older epoch. */
  boolean down(JsonObject event) {
    return Stamp.epochOf(event) >= applied.epoch() && markUnavailable(ReplicaMessages.replica(event));
  }

  /** Puts a replica back on an event of the manager; ignored if it comes from an older epoch. */
  boolean up(JsonObject event) {
    return Stamp.epochOf(event) >= applied.epoch() && markAvailable(ReplicaMessages.replica(event));
  }

  /** Takes {@code name} out of routing; true if it was in. */
  boolean markUnavailable(String name) {
    boolean changed = isMember(name) && unavailable.add(name);
    refresh();
    return changed;
  }

  /** Puts {@code name} back into routing; true if it was out. */
  boolean markAvailable(String name) {
    boolean changed = unavailable.remove(name);
    refresh();
    return changed;
  }

  private boolean isMember(String name) {
    return replicas.stream().anyMatch(r -> r.name().equals(name));
  }

  private void refresh() {
    boolean[] next = new boolean[byRingId.length];
    long[] until = new long[byRingId.length];
    int count = 0;
    for (int id = 0; id < byRingId.length; id++) {
      next[id] = byRingId[id] != null && byRingId[id].shaping().routed() && !unavailable.contains(byRingId[id].name());
      Long held = byRingId[id] == null ? null : heldUntil.get(byRingId[id].name());
      until[id] = held == null ? 0 : held - origin;
      count += next[id] ? 1 : 0;
    }
    usable = next;
    ejectedUntil = until;
    usableCount = count;
  }

  private long clock() {
    return System.nanoTime() - origin;
  }

  /** A forward to {@code replica} got a reply that is not a server error. */
  void succeeded(ReplicaInfo replica) {
    if (!watched.isEmpty() && watched.contains(replica.name())) {
      reports.succeeded(replica);
    }
  }

  /**
   * A forward to {@code replica} failed. A failure to connect ({@code certain}) takes it out of routing here at once,
   * until the heartbeat sees it again; the outlier detector hears of every failure, and decides ejections for the
   * node. Returns true if the heartbeat should probe it now.
   */
  boolean failed(ReplicaInfo replica, boolean certain) {
    reports.failed(replica, certain);
    return certain && markUnavailable(replica.name());
  }

  /** The node's outlier detector holds {@code name} out of routing until {@code untilNanos} ({@link System#nanoTime}). */
  void ejected(String name, long untilNanos) {
    if (isMember(name)) {
      heldUntil.put(name, untilNanos);
      refresh();
    }
  }

  /** The outlier detector watches {@code name} (its successes are reported) or no longer does. */
  void watch(String name, boolean on) {
    if (on) {
      watched.add(name);
    } else {
      watched.remove(name);
    }
  }

  /** The replica that serves {@code key}: its owner, or the next routable one (with room, if loads are bounded). */
  ReplicaInfo pick(long key) {
    return pick(key, null);
  }

  /** Like {@link #pick(long)}, among the replicas {@code allowed} also accepts (to skip ones already tried). */
  ReplicaInfo pick(long key, IntPredicate allowed) {
    now = clock();
    slowStart.picking(key);
    IntPredicate plain = allowed == null ? routable : routable.and(allowed);
    int id = bound.enabled() ? ring.owner(key, allowed == null ? routableWithRoom : routableWithRoom.and(allowed)) : Ring.NONE;
    if (id == Ring.NONE) {
      id = ring.owner(key, plain);
    }
    if (id == Ring.NONE) {
      // every replica that is up is held out by outlier detection: better one of them than no answer (panic mode)
      id = ring.owner(key, allowed == null ? up : up.and(allowed));
    }
    return replicaOf(id);
  }

  /** Where {@code key} lands on the ring (for the access log). */
  int slotOf(long key) {
    return ring.slotOf(key);
  }

  /** A forward to {@code replica} begins: it counts against the load bound until {@link #finished}. */
  void started(ReplicaInfo replica) {
    bound.started(replica.ringId());
    inFlight.started(replica.name());
  }

  void finished(ReplicaInfo replica) {
    bound.finished(replica.ringId());
    inFlight.finished(replica.name());
  }

  private ReplicaInfo replicaOf(int ringId) {
    return ringId == Ring.NONE ? null : byRingId[ringId];
  }
}
