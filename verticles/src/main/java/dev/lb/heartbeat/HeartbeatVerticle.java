package dev.lb.heartbeat;

import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.server.Lease;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Probes every replica's health path ({@code GET /heartbeat} by default; any 2xx is good) each
 * {@code heartbeat.interval.ms}, each probe bounded by {@code heartbeat.timeout.ms}; publishes a replica down after
 * {@code heartbeat.fall} misses in a row and up after {@code heartbeat.rise} successes. Each replica has its own
 * cadence, so a probe waiting on a hung replica delays no other. A replica a balancer suspects is probed at once.
 * Every probe claims the replica's lease for the manager's epoch (see {@link Lease}); it runs beside the active
 * manager only.
 */
public class HeartbeatVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(HeartbeatVerticle.class.getName());

  private final Map<String, ReplicaInfo> targets = new HashMap<>();
  private final Map<String, ProbeState> states = new HashMap<>();
  private final Map<String, String> lastFailure = new HashMap<>();
  private final Set<String> probing = new HashSet<>();
  private HealthChecks checks;
  private WebClient client;
  private long intervalMs;
  private long timeoutMs;
  private int fall;
  private int rise;
  private final HeartbeatSettings settings;
  private final long epoch;
  private String healthPath;
  private String claim;
  private Stamp applied = Stamp.NONE;
  private boolean deposed;

  /** The heartbeat of the manager of {@code epoch}, whose claims on the replicas' leases carry it. */
  public HeartbeatVerticle(HeartbeatSettings settings, long epoch) {
    this.settings = settings;
    this.epoch = epoch;
  }

  @Override
  public Future<?> start() {
    intervalMs = settings.intervalMs();
    timeoutMs = settings.timeoutMs();
    fall = settings.fall();
    rise = settings.rise();
    claim = String.valueOf(epoch);
    healthPath = settings.healthPath();
    client = WebClient.create(vertx, settings.tls().webClientOptions());
    checks = HealthChecks.create(vertx);
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> apply(msg.body())).completion(),
        bus.<JsonObject>consumer(Addresses.REPLICA_SUSPECT, msg -> probeNow(ReplicaMessages.replica(msg.body()))).completion())
      .compose(v -> bus.<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject(),
          ReplicaMessages.within(settings.busTimeoutMs())))
      .onSuccess(reply -> apply(reply.body()));
  }

  @Override
  public Future<?> stop() {
    targets.clear();
    client.close();
    return Future.succeededFuture();
  }

  /** Follows the set of its own manager's snapshots (a newer manager's set is probed by that manager's heartbeat). */
  private void apply(JsonObject snapshot) {
    Stamp stamp = Stamp.of(snapshot);
    if (deposed || stamp.epoch() != epoch || !stamp.newerThan(applied)) {
      return;
    }
    applied = stamp;
    Set<String> current = new HashSet<>();
    for (ReplicaInfo replica : ReplicaMessages.replicas(snapshot)) {
      current.add(replica.name());
      if (targets.put(replica.name(), replica) == null) {
        states.put(replica.name(), new ProbeState(fall, rise));
        checks.register(replica.name(), timeoutMs, promise -> probe(replica, promise));
        vertx.setTimer(intervalMs, t -> cycle(replica.name()));
      }
    }
    List.copyOf(targets.keySet()).stream().filter(name -> !current.contains(name)).forEach(this::forget);
  }

  private void forget(String name) {
    targets.remove(name);
    states.remove(name);
    lastFailure.remove(name);
    checks.unregister(name);
  }

  private void probe(ReplicaInfo replica, Promise<Status> result) {
    client.get(replica.healthPort(), replica.host(), healthPath).putHeader(Lease.HEADER, claim).timeout(timeoutMs).send()
        .onComplete(ar -> {
          if (ar.succeeded() && claimedByNewer(ar.result().statusCode(), ar.result().getHeader(Lease.HEADER))) {
            deposed(replica, Long.parseLong(ar.result().getHeader(Lease.HEADER).trim()));
            result.tryComplete(Status.OK());
          } else if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
            result.tryComplete(Status.OK());
          } else {
            String why = ar.succeeded() ? "answered " + ar.result().statusCode() : String.valueOf(ar.cause().getMessage());
            result.tryComplete(Status.KO(new JsonObject().put("reason", why)));
          }
        });
  }

  /** Whether a probe's answer says that a manager newer than this one claims the replica (never its failure). */
  private boolean claimedByNewer(int status, String leaseHeader) {
    if (status != 409 || leaseHeader == null) {
      return false;
    }
    try {
      return Long.parseLong(leaseHeader.trim()) > epoch;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * A replica answered that the manager of {@code newer} claims it: this heartbeat's manager was replaced. It stops
   * probing (and so claiming) at once, and tells its node, whose manager steps down.
   */
  private void deposed(ReplicaInfo replica, long newer) {
    if (deposed) {
      return;
    }
    deposed = true;
    String reason = "replica '" + replica.name() + "' answered that the manager of epoch " + newer + " claims it";
    LOG.log(Level.WARNING, "the heartbeat of epoch {0} stops: {1}", epoch, reason);
    List.copyOf(targets.keySet()).forEach(this::forget);
    vertx.eventBus().publish(Addresses.MANAGER_DEPOSED, new JsonObject().put("epoch", newer)
        .put(ReplicaMessages.REASON, reason), new DeliveryOptions().setLocalOnly(true));
  }

  /** Probes {@code name}, then schedules its next probe {@code interval} after this one began; ends with it. */
  private void cycle(String name) {
    if (!targets.containsKey(name)) {
      return;
    }
    long began = System.nanoTime();
    probeOnce(name).onComplete(ar -> {
      long elapsedMs = (System.nanoTime() - began) / 1_000_000;
      vertx.setTimer(Math.max(1, intervalMs - elapsedMs), t -> cycle(name));
    });
  }

  /** One probe, unless one of this replica is already under way (a suspect probe). */
  private Future<Void> probeOnce(String name) {
    if (!probing.add(name)) {
      return Future.succeededFuture();
    }
    return checks.checkStatus(name).onComplete(ar -> {
      probing.remove(name);
      if (ar.succeeded()) {
        record(ar.result());
      } else {
        LOG.log(Level.ERROR, "heartbeat probe of '" + name + "' failed to run", ar.cause());
      }
    }).mapEmpty();
  }

  private void probeNow(String name) {
    ProbeState state = states.get(name);
    if (state == null || state.down()) {
      return;
    }
    state.suspect();
    probeOnce(name);
  }

  private void record(CheckResult result) {
    String name = result.getId();
    ProbeState state = states.get(name);
    if (state == null) {
      return;
    }
    boolean ok = result.getStatus() != null && result.getStatus().isOk();
    if (!ok) {
      lastFailure.put(name, reason(result));
    }
    switch (state.record(ok)) {
      case DOWN -> {
        String reason = "missed " + state.misses() + " heartbeats in a row (last: " + lastFailure.get(name) + ")";
        LOG.log(Level.WARNING, "replica ''{0}'' is down: {1}", name, reason);
        vertx.eventBus().publish(Addresses.REPLICA_DOWN, ReplicaMessages.replicaEvent(name, reason, epoch));
      }
      case UP -> {
        LOG.log(Level.INFO, "replica ''{0}'' answers its heartbeat again", name);
        vertx.eventBus().publish(Addresses.REPLICA_UP, ReplicaMessages.replicaEvent(name, "answers again", epoch));
      }
      case NONE -> { }
    }
  }

  private static String reason(CheckResult result) {
    JsonObject data = result.getStatus() == null ? null : result.getStatus().getData();
    if (data != null && data.containsKey("reason")) {
      return data.getString("reason");
    }
    if (data != null && data.containsKey("cause")) {
      return "no answer within the timeout (" + data.getString("cause") + ")";
    }
    return result.getFailure() != null ? String.valueOf(result.getFailure().getMessage()) : "no answer";
  }
}
