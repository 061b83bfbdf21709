package dev.lb.replica;

import dev.lb.bus.Lifecycle;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend's steps as the manager takes them: each told to the lifecycle, a start of several all or none, and a
 * stop or kill that fails only into the log (the replica is out of the set whatever the backend says).
 */
final class BackendSteps {

  private static final System.Logger LOG = System.getLogger(BackendSteps.class.getName());

  private final ReplicaBackend backend;
  private final ManagerEvents events;

  BackendSteps(ReplicaBackend backend, ManagerEvents events) {
    this.backend = backend;
    this.events = events;
  }

  /** Starts one replica, telling the lifecycle: starting, then started or failed. */
  Future<Replica> start(String name, int ringId) {
    Replica planned = new Replica(name, ringId, "", 0, "");
    events.lifecycle(Lifecycle.Event.STARTING, planned.info(), "");
    return backend.start(name, ringId)
        .onSuccess(r -> events.lifecycle(Lifecycle.Event.STARTED, r.info(), "instance " + r.shortInstance()))
        .onFailure(err -> events.lifecycle(Lifecycle.Event.FAILED, planned.info(), String.valueOf(err.getMessage())));
  }

  /** Starts every slot; if any fails, stops the others and fails, so that nothing changed. */
  Future<List<Replica>> startAll(List<ReplicaSet.Slot> slots) {
    List<Future<Replica>> starts = new ArrayList<>();
    slots.forEach(slot -> starts.add(start(slot.name(), slot.ringId())));
    return Future.join(starts).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(starts.stream().map(Future::result).toList());
      }
      List<Future<Void>> undo = new ArrayList<>();
      starts.stream().filter(Future::succeeded).forEach(f -> undo.add(backend.stop(f.result())));
      Throwable cause = starts.stream().filter(Future::failed).findFirst().orElseThrow().cause();
      LOG.log(Level.ERROR, "could not start replicas " + slots + "; the set is unchanged", cause);
      return Future.join(undo).transform(x -> Future.failedFuture("<Error> Could not start replicas: " + cause.getMessage()));
    });
  }

  /** Stops removed replicas (asked, then forced after a grace period), each told to the lifecycle once gone. */
  Future<Void> stopAll(List<Replica> replicas) {
    List<Future<Void>> stops = new ArrayList<>();
    replicas.forEach(r -> stops.add(backend.stop(r)
        .onSuccess(v -> events.lifecycle(Lifecycle.Event.REMOVED, r.info(), ""))
        .onFailure(err -> LOG.log(Level.ERROR, "could not stop removed replica '" + r.name() + "' (" + r.instance()
            + ")", err))));
    return Future.join(stops).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Kills a failed replica at once. */
  Future<Void> kill(Replica failed) {
    return backend.kill(failed).recover(err -> {
      LOG.log(Level.WARNING, "could not kill failed replica '" + failed.name() + "' (" + failed.instance() + ")", err);
      return Future.succeededFuture();
    });
  }
}
