package dev.lb.replica;

import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A new manager's first step: it reads the set its predecessor recorded, keeps the replicas of it that still answer
 * (the backend adopts them) and puts them in the set in the recorded order. The others were lost with their node:
 * they stay in the set, to be announced down and replaced on their ring ids. A replica the backend found that the
 * record does not list (a container started by a manager cut off from the cluster, say) is surplus when there is a
 * record: the recorded set is the one that survives, so it is stopped.
 */
final class TakeOver {

  private static final System.Logger LOG = System.getLogger(TakeOver.class.getName());

  /**
   * What was found.
   *
   * @param recorded whether a predecessor recorded a set (if not, this is the cluster's first manager)
   * @param adopted  the replicas that still answer
   * @param lost     the recorded replicas that no longer answer
   * @param surplus  running replicas the record does not list, to be stopped
   */
  record Found(boolean recorded, List<Replica> adopted, List<Replica> lost, List<Replica> surplus) { }

  private final ReplicaStore store;
  private final ReplicaBackend backend;
  private final ManagerEvents events;

  TakeOver(ReplicaStore store, ReplicaBackend backend, ManagerEvents events) {
    this.store = store;
    this.backend = backend;
    this.events = events;
  }

  /** Fills {@code set} with what the predecessor recorded, adopted or lost. */
  Future<Found> into(ReplicaSet set, long epoch) {
    return store.load().compose(recorded -> {
      List<Replica> previous = recorded == null ? List.of()
          : ReplicaMessages.replicas(recorded).stream().map(Replica::of).toList();
      return backend.adopt(previous).map(found -> {
        List<String> names = previous.stream().map(Replica::name).toList();
        List<Replica> surplus = recorded == null ? List.of() : found.stream().filter(r -> !names.contains(r.name())).toList();
        List<Replica> adopted = found.stream().filter(r -> !surplus.contains(r)).toList();
        List<Replica> lost = place(set, previous, adopted);
        adopted.forEach(r -> events.lifecycle(Lifecycle.Event.ADOPTED, r.info(), "instance " + r.shortInstance()));
        if (recorded != null) {
          LOG.log(Level.INFO, "manager of epoch {0} took over: {1} replicas adopted, {2} lost with their node, {3} not in "
              + "the recorded set", epoch, adopted.size(), lost.size(), surplus.size());
        }
        return new Found(recorded != null, adopted, lost, surplus);
      });
    });
  }

  /** Puts the adopted replicas and the lost ones into the set, in the recorded order; returns the lost. */
  static List<Replica> place(ReplicaSet set, List<Replica> previous, List<Replica> adopted) {
    Map<String, Replica> byName = new HashMap<>();
    adopted.forEach(r -> byName.put(r.name(), r));
    List<Replica> lost = new ArrayList<>();
    for (Replica recorded : previous) {
      Replica live = byName.remove(recorded.name());
      // what an operator set (weight, state) and a warm-up under way go on with the adopted replica
      set.add(live != null ? live.shaped(recorded.shaping()) : recorded);
      if (live == null) {
        lost.add(recorded);
      }
    }
    byName.values().stream().sorted(Comparator.comparingInt(Replica::ringId)).forEach(set::add);
    return lost;
  }
}
