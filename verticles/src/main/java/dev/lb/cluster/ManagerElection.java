package dev.lb.cluster;

import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import dev.lb.config.ConfigKeys;
import dev.lb.heartbeat.HeartbeatVerticle;
import dev.lb.replica.ReplicaManagerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes exactly one candidate node of the cluster the active replica manager. Every candidate waits for a
 * cluster-wide lock; the one that holds it takes the next epoch from a cluster-wide counter and deploys the replica
 * manager and the heartbeat, told only that epoch. Hazelcast frees the lock of a node declared dead, so a standby
 * takes over within seconds of the active node's death, and its manager adopts the replicas still running.
 *
 * <p>A lock is not a fence (in a split brain each side may grant it), so the epoch is: followers ignore anything from
 * an older epoch, and a manager that sees a newer one steps down, here as in the manager itself. When a node stops
 * ({@link Addresses#NODE_LEAVING}), its manager hands its replicas over if another candidate is alive, and stops them
 * if it was the last.
 */
public final class ManagerElection extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(ManagerElection.class.getName());
  static final String LOCK = "lb.manager";
  static final String EPOCH = "lb.manager.epoch";
  /** Map of candidate node ids to their addresses; entries of nodes no longer in the cluster are ignored. */
  static final String CANDIDATES = "lb.manager.candidates";
  /** How long one attempt waits for the lock; a standby tries again at once. */
  private static final long ATTEMPT_MS = 2000;
  private static final long RETRY_MS = 1000;

  private final ClusterManager cluster;
  private final List<String> deployments = new ArrayList<>();
  private Lock lock;
  private long epoch;
  private long standbySince;
  private boolean stopping;

  public ManagerElection(ClusterManager cluster) {
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>localConsumer(Addresses.NODE_LEAVING, msg -> leave().onComplete(ar -> msg.reply(null)));
    vertx.eventBus().<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> {
      long seen = Stamp.of(msg.body()).epoch();
      String by = ReplicaMessages.manager(msg.body());
      if (lock != null && epoch > 0 && (seen > epoch || seen == epoch && !by.equals(cluster.getNodeId()))) {
        LOG.log(Level.WARNING, "a manager of epoch {0} ({1}) is active; this node (epoch {2}) steps down and stands again",
            seen, by, epoch);
        resign().onComplete(ar -> campaign());
      }
    });
    return vertx.sharedData().<String, String>getAsyncMap(CANDIDATES)
        .compose(map -> map.put(cluster.getNodeId(), config().getString(ConfigKeys.CLUSTER_HOST, "")))
        .onSuccess(v -> {
          standbySince = System.nanoTime();
          campaign();
        });
  }

  /** Waits for the lock, attempt after attempt, until this node leads or stops. */
  private void campaign() {
    if (stopping) {
      return;
    }
    vertx.sharedData().getLockWithTimeout(LOCK, ATTEMPT_MS)
        .onSuccess(this::lead)
        .onFailure(err -> vertx.setTimer(err.getMessage() != null && err.getMessage().startsWith("Timed out") ? 1 : RETRY_MS,
            t -> campaign()));
  }

  private void lead(Lock granted) {
    if (stopping) {
      granted.release();
      return;
    }
    lock = granted;
    long waitedMs = (System.nanoTime() - standbySince) / 1_000_000;
    vertx.sharedData().getCounter(EPOCH).compose(counter -> counter.incrementAndGet())
        .compose(next -> {
          epoch = next;
          JsonObject conf = config().copy().put(ConfigKeys.MANAGER_EPOCH, epoch).put(ConfigKeys.MANAGER_ID, cluster.getNodeId());
          DeploymentOptions options = new DeploymentOptions().setConfig(conf);
          return vertx.deployVerticle(new ReplicaManagerVerticle(), options)
              .compose(id -> {
                deployments.add(id);
                return vertx.deployVerticle(new HeartbeatVerticle(), options);
              })
              .map(id -> deployments.add(id));
        })
        .onSuccess(v -> LOG.log(Level.INFO, "this node ({0}) is the active replica manager, epoch {1} (a standby for {2} ms "
            + "before)", config().getString(ConfigKeys.CLUSTER_HOST), epoch, waitedMs))
        .onFailure(err -> {
          LOG.log(Level.ERROR, "could not start the replica manager of epoch " + epoch + "; standing down", err);
          resign().onComplete(ar -> vertx.setTimer(RETRY_MS, t -> campaign()));
        });
  }

  /** Undeploys the heartbeat and the manager (which leaves its replicas running) and frees the lock. */
  private Future<Void> resign() {
    return vertx.eventBus().request(Addresses.MANAGER_RELEASE, new JsonObject())
        .transform(ar -> undeployAll())
        .onComplete(ar -> releaseLock());
  }

  private Future<Void> undeployAll() {
    List<String> ids = new ArrayList<>(deployments);
    deployments.clear();
    Future<Void> chain = Future.succeededFuture();
    for (int k = ids.size() - 1; k >= 0; k--) {
      String id = ids.get(k);
      chain = chain.transform(ar -> vertx.deploymentIDs().contains(id) ? vertx.undeploy(id) : Future.succeededFuture());
    }
    return chain;
  }

  private void releaseLock() {
    epoch = 0;
    if (lock != null) {
      lock.release();
      lock = null;
    }
    standbySince = System.nanoTime();
  }

  /**
   * This node is about to stop: hands the replicas over if another candidate is alive, so that its manager adopts
   * them; otherwise this was the last manager, and they are stopped with it. (Undeploying this verticle alone would
   * undeploy the manager first, which stops the replicas.)
   */
  private Future<Void> leave() {
    stopping = true;
    if (lock == null) {
      return forgetCandidate();
    }
    return otherCandidates().recover(err -> Future.succeededFuture(List.of())).compose(others -> {
      if (others.isEmpty()) {
        LOG.log(Level.INFO, "no other manager candidate is alive: stopping the replicas");
        return undeployAll().onComplete(ar -> releaseLock());
      }
      LOG.log(Level.INFO, "handing the replicas over to the other candidates {0}", others);
      return resign();
    }).transform(ar -> forgetCandidate());
  }

  private Future<List<String>> otherCandidates() {
    List<String> alive = cluster.getNodes();
    return vertx.sharedData().<String, String>getAsyncMap(CANDIDATES).compose(map -> map.entries())
        .map((Map<String, String> entries) -> entries.entrySet().stream()
            .filter(e -> !e.getKey().equals(cluster.getNodeId()) && alive.contains(e.getKey()))
            .map(Map.Entry::getValue).toList());
  }

  private Future<Void> forgetCandidate() {
    return vertx.sharedData().<String, String>getAsyncMap(CANDIDATES)
        .compose(map -> map.remove(cluster.getNodeId())).mapEmpty();
  }
}
