package dev.lb.cluster;

import dev.lb.bus.NodeMessages;
import dev.lb.bus.Addresses;
import dev.lb.bus.NoQuorum;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.config.ConfigKeys;
import dev.lb.heartbeat.HeartbeatSettings;
import dev.lb.heartbeat.HeartbeatVerticle;
import dev.lb.replica.ManagerSettings;
import dev.lb.replica.ReplicaBackends;
import dev.lb.replica.ReplicaManagerVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes exactly one candidate node of the cluster the active replica manager. Every candidate that sees a quorum waits
 * for a cluster-wide lock; the one that holds it takes the next epoch from a cluster-wide counter and deploys the
 * replica manager and the heartbeat, told only that epoch. Hazelcast frees the lock of a node declared dead, so a
 * standby takes over within seconds of the active node's death, and its manager adopts the replicas still running.
 *
 * <p>A partition: the lock, the counter and the recorded set are guarded by the quorum (see {@link ClusterSettings}),
 * so only a side with a quorum elects. A manager whose node loses the quorum changes nothing (its
 * {@link ClusterAuthority} fails) while its heartbeat keeps its replicas' leases; when the quorum is back it acts again
 * if no newer manager was elected meanwhile, and steps down otherwise. It also steps down at once when a replica
 * answers that a newer manager claims it, or a newer manager's snapshot is heard. A manager that steps down never frees
 * the lock: Hazelcast's lock release is forced, and the lock is the newer manager's by then.
 *
 * <p>When a node stops ({@link Addresses#NODE_LEAVING}), its manager hands its replicas over if another candidate is
 * alive, and stops them if it was the last.
 *
 * <p>Over 250 lines, on purpose: the role's whole life (standing, leading, cut off, deposed, leaving) is one
 * state machine whose transitions read best together.
 */
public final class ManagerElection extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(ManagerElection.class.getName());
  static final String LOCK = "lb.manager";
  static final String EPOCH = "lb.manager.epoch";
  /** How long one attempt waits for the lock; a standby tries again at once. */
  private static final long ATTEMPT_MS = 2000;
  private static final long RETRY_MS = 1000;
  /** This node's own verticles answer at once. */
  private static final long LOCAL_MS = 5000;

  private final ClusterManager cluster;
  private final ClusterAuthority authority;
  private final List<String> deployments = new ArrayList<>();
  private Candidates candidates;
  private Lock lock;
  private long epoch;
  private boolean cutOff;
  private long standbySince;
  private boolean stopping;

  public ManagerElection(ClusterManager cluster, ClusterAuthority authority) {
    this.cluster = cluster;
    this.authority = authority;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>localConsumer(Addresses.NODE_LEAVING, msg -> leave().onComplete(ar -> msg.reply(null)));
    vertx.eventBus().<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> {
      long seen = Stamp.of(msg.body()).epoch();
      String by = ReplicaMessages.manager(msg.body());
      if (epoch > 0 && (seen > epoch || seen == epoch && !by.equals(cluster.getNodeId()))) {
        deposed("a manager of epoch " + seen + " (" + by + ") is active");
      }
    });
    vertx.eventBus().<JsonObject>localConsumer(Addresses.MANAGER_DEPOSED, msg -> {
      if (epoch > 0) {
        deposed(ReplicaMessages.reason(msg.body()));
      }
    });
    vertx.eventBus().<JsonObject>localConsumer(Addresses.NODE_QUORUM_CHANGED,
        msg -> quorumChanged(NodeMessages.present(msg.body())));
    candidates = new Candidates(vertx, cluster);
    return candidates.stand(config().getString(ConfigKeys.CLUSTER_HOST))
        .onSuccess(v -> {
          standbySince = System.nanoTime();
          campaign();
        });
  }

  /** Waits for the lock, attempt after attempt, while this node sees a quorum, until it leads or stops. */
  private void campaign() {
    if (stopping || epoch > 0) {
      return;
    }
    if (!authority.quorum()) {
      vertx.setTimer(RETRY_MS, t -> campaign());
      return;
    }
    long began = System.nanoTime();
    vertx.sharedData().getLockWithTimeout(LOCK, ATTEMPT_MS)
        .onSuccess(this::lead)
        .onFailure(err -> {
          // an attempt that waited its whole time found the lock held: try again at once; anything else, after a pause
          boolean waited = (System.nanoTime() - began) / 1_000_000 >= ATTEMPT_MS;
          if (!waited) {
            LOG.log(Level.DEBUG, "could not try for the manager lock: {0}", err.getMessage());
          }
          vertx.setTimer(waited ? 1 : RETRY_MS, t -> campaign());
        });
  }

  private void lead(Lock granted) {
    if (stopping) {
      granted.release();
      return;
    }
    lock = granted;
    long waitedMs = (System.nanoTime() - standbySince) / 1_000_000;
    vertx.sharedData().getCounter(EPOCH).compose(Counter::incrementAndGet)
        .onSuccess(term -> takeOffice(term, waitedMs))
        .onFailure(err -> {
          LOG.log(Level.ERROR, "could not take the next epoch; standing down", err);
          lock = null;
          releaseWhenPossible(granted, 0).onComplete(ar -> vertx.setTimer(RETRY_MS, t -> campaign()));
        });
  }

  /**
   * Deploys the manager and the heartbeat of {@code term}. Everything here reads {@code term}, not the fields: the node
   * may be deposed while the manager takes over, and then what this deployed is undeployed again.
   */
  private void takeOffice(long term, long waitedMs) {
    epoch = term;
    cutOff = false;
    List<String> mine = new ArrayList<>();
    ManagerSettings settings = ManagerSettings.from(config(), term, cluster.getNodeId());
    vertx.deployVerticle(new ReplicaManagerVerticle(settings, ReplicaBackends.configured(config()), authority))
        .compose(id -> {
          mine.add(id);
          return vertx.deployVerticle(new HeartbeatVerticle(HeartbeatSettings.from(config()), term));
        })
        .onSuccess(mine::add)
        .onComplete(ar -> {
          if (epoch != term) {
            LOG.log(Level.INFO, "the manager of epoch {0} was replaced while it took over; undeploying it", term);
            undeploy(mine);
            return;
          }
          deployments.addAll(mine);
          if (ar.succeeded()) {
            LOG.log(Level.INFO, "this node ({0}) is the active replica manager, epoch {1} (a standby for {2} ms before)",
                config().getString(ConfigKeys.CLUSTER_HOST), term, waitedMs);
          } else {
            LOG.log(Level.ERROR, "could not start the replica manager of epoch " + term + "; standing down", ar.cause());
            resign().onComplete(x -> vertx.setTimer(RETRY_MS, t -> campaign()));
          }
        });
  }

  /**
   * While this node leads: a lost quorum is remembered; once it is back, the manager acts again if the cluster's epoch
   * is still its own, and steps down if a newer manager was elected meanwhile.
   */
  private void quorumChanged(boolean present) {
    if (epoch == 0) {
      return;
    }
    if (!present) {
      cutOff = true;
      return;
    }
    if (!cutOff) {
      return;
    }
    cutOff = false;
    long mine = epoch;
    authority.elected().onComplete(ar -> {
      if (epoch != mine) {
        return;
      }
      if (ar.succeeded() && ar.result() == mine) {
        vertx.eventBus().request(Addresses.MANAGER_RESUME, new JsonObject(), ReplicaMessages.within(LOCAL_MS))
            .onFailure(err -> LOG.log(Level.WARNING, "the manager of epoch {0} did not resume: {1}", mine, err.getMessage()));
      } else if (ar.succeeded()) {
        deposed("a manager of epoch " + ar.result() + " was elected while this node was cut off");
      } else {
        LOG.log(Level.WARNING, "could not read the cluster's epoch after the quorum came back ({0}); waiting for the "
            + "next change", ar.cause().getMessage());
        cutOff = true;
      }
    });
  }

  /** A newer manager exists: this node's manager steps down (its replicas run on) and the node stands again. */
  private void deposed(String why) {
    LOG.log(Level.WARNING, "this node''s manager (epoch {0}) steps down: {1}; the node stands again", epoch, why);
    epoch = 0;
    lock = null;
    vertx.eventBus().request(Addresses.MANAGER_RELEASE, new JsonObject(), ReplicaMessages.within(LOCAL_MS))
        .transform(ar -> undeployAll())
        .onComplete(ar -> {
          standbySince = System.nanoTime();
          campaign();
        });
  }

  /** Undeploys the heartbeat and the manager (which leaves its replicas running) and frees the lock if it is ours. */
  private Future<Void> resign() {
    return vertx.eventBus().request(Addresses.MANAGER_RELEASE, new JsonObject(), ReplicaMessages.within(LOCAL_MS))
        .transform(ar -> undeployAll())
        .compose(v -> freeLock());
  }

  private Future<Void> undeployAll() {
    List<String> ids = new ArrayList<>(deployments);
    deployments.clear();
    return undeploy(ids);
  }

  /** Undeploys {@code ids}, the last deployed first. */
  private Future<Void> undeploy(List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (int k = ids.size() - 1; k >= 0; k--) {
      String id = ids.get(k);
      chain = chain.transform(ar -> vertx.deploymentIDs().contains(id) ? vertx.undeploy(id) : Future.succeededFuture());
    }
    return chain;
  }

  /** This node no longer leads: it stands again, and frees the lock as soon as it may. */
  private Future<Void> freeLock() {
    Lock held = lock;
    long term = epoch;
    epoch = 0;
    lock = null;
    standbySince = System.nanoTime();
    return held == null ? Future.succeededFuture() : releaseWhenPossible(held, term);
  }

  /**
   * Frees {@code held} (taken for {@code term}, 0 if no epoch was taken) once this node sees a quorum and no newer
   * manager exists. Without a quorum it tries again each second (the lock is this member's: nobody else can take it
   * until it is freed or this member leaves the cluster); with a newer manager it is left as it is, since Hazelcast's
   * release is forced and the lock is the newer manager's by then. Completes after the first try.
   */
  private Future<Void> releaseWhenPossible(Lock held, long term) {
    Future<Void> may = term > 0 ? authority.confirm(term)
        : authority.quorum() ? Future.succeededFuture() : Future.failedFuture(new NoQuorum(authority.needed()));
    return may.transform(ar -> {
      if (ar.succeeded()) {
        held.release();
      } else if (ar.cause() instanceof NoQuorum && !stopping) {
        vertx.setTimer(RETRY_MS, t -> releaseWhenPossible(held, term));
      } else {
        LOG.log(Level.INFO, "the manager lock is left as it is: {0}", ar.cause().getMessage());
      }
      return Future.succeededFuture();
    });
  }

  /**
   * This node is about to stop: hands the replicas over if another candidate is alive, so that its manager adopts
   * them; otherwise this was the last manager, and they are stopped with it (if it still may: see
   * {@link ClusterAuthority}). Undeploying this verticle alone would undeploy the manager first, which stops them.
   */
  private Future<Void> leave() {
    stopping = true;
    if (epoch == 0) {
      return candidates.leave();
    }
    return candidates.others().recover(err -> Future.succeededFuture(List.of())).compose(others -> {
      if (others.isEmpty()) {
        LOG.log(Level.INFO, "no other manager candidate is alive: stopping the replicas");
        return undeployAll().compose(v -> freeLock());
      }
      LOG.log(Level.INFO, "handing the replicas over to the other candidates {0}", others);
      return resign();
    }).transform(ar -> candidates.leave());
  }
}
