package dev.lb.replica;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The lifecycle every backend shares: the replicas it runs, by instance; which of them it is ending, so that their
 * exit is no news; the wait until a new one answers its health path; and the end of all of them, stopped or
 * released. A backend only says how one replica starts ({@link #launch}) and ends ({@link #terminate}), and calls
 * {@link #exited} when one is gone.
 */
abstract class TrackedBackend implements ReplicaBackend {

  private static final System.Logger LOG = System.getLogger(TrackedBackend.class.getName());
  /** How long a replica asked to stop may take before it is forced. */
  static final long STOP_GRACE_MS = 2000;

  protected final Vertx vertx;
  protected final Context context;
  protected final ReplicaSettings settings;
  private final WebClient client;
  private final Readiness readiness;
  private final Map<String, Replica> running = new HashMap<>();
  private final Set<String> ending = new HashSet<>();
  private BiConsumer<Replica, String> exitHandler = (r, how) -> { };
  private boolean closed;

  TrackedBackend(Vertx vertx, ReplicaSettings settings) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.client = WebClient.create(vertx, settings.tls().webClientOptions());
    this.readiness = new Readiness(vertx, client, settings.healthPath());
  }

  /** Starts one replica; completes once it runs, before it need answer. */
  protected abstract Future<Replica> launch(String name, int ringId);

  /** Ends one replica: asks it to stop and forces it after {@code graceMs} (at once if 0); completes once gone. */
  protected abstract Future<Void> terminate(Replica replica, long graceMs);

  /** Called when the backend has gone through every replica ({@link #close()}): free what the backend holds. */
  protected Future<Void> closed() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<Replica> start(String name, int ringId) {
    return launch(name, ringId).compose(replica -> {
      track(replica);
      if (closed) {
        // started while close() ran: nobody would own it
        return end(replica, 0).transform(ar -> Future.failedFuture("the backend is closing"));
      }
      return readiness.await(name, replica.host(), replica.healthPort(), settings.startTimeoutMs(),
              () -> running.containsKey(replica.instance()))
          .map(replica)
          .recover(err -> end(replica, 0).transform(ignored -> Future.failedFuture(err)));
    });
  }

  /** Counts {@code replica} as running: its exit is news until it is asked to end. */
  protected final Replica track(Replica replica) {
    running.put(replica.instance(), replica);
    return replica;
  }

  protected final Readiness readiness() {
    return readiness;
  }

  protected final boolean isClosed() {
    return closed;
  }

  /** The replica of {@code instance} is gone; if nobody asked it to end, the manager hears of it. */
  protected final void exited(String instance, String how) {
    Replica replica = running.remove(instance);
    if (replica != null && !ending.contains(instance)) {
      exitHandler.accept(replica, how);
    }
  }

  @Override
  public Future<Void> stop(Replica replica) {
    return end(replica, STOP_GRACE_MS);
  }

  @Override
  public Future<Void> kill(Replica replica) {
    return end(replica, 0);
  }

  private Future<Void> end(Replica replica, long graceMs) {
    String instance = replica.instance();
    ending.add(instance);
    return terminate(replica, graceMs).onComplete(ar -> {
      running.remove(instance);
      ending.remove(instance);
    });
  }

  @Override
  public void exitHandler(BiConsumer<Replica, String> handler) {
    this.exitHandler = handler;
  }

  @Override
  public void release() {
    if (!running.isEmpty()) {
      LOG.log(Level.INFO, "handing over {0} running replicas without stopping them", running.size());
    }
    running.clear();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> stops = new ArrayList<>();
    List.copyOf(running.values()).forEach(r -> stops.add(stop(r).onFailure(err ->
        LOG.log(Level.ERROR, "could not stop replica '" + r.name() + "' (" + r.instance() + ")", err))));
    return Future.join(stops).transform(ar -> closed()).onComplete(ar -> client.close());
  }
}
