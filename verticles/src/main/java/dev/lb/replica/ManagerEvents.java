package dev.lb.replica;

import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import io.vertx.core.json.JsonObject;

/** What the manager's core tells the rest of the system; its verticle says it on the event bus. */
interface ManagerEvents {

  /** The set changed (and was recorded): every balancer and the heartbeat follow {@code snapshot}. */
  void changed(JsonObject snapshot);

  /** {@code replica} is gone (lost with its node, say): balancers route around it until it is replaced. */
  void down(ReplicaInfo replica, String reason);

  /** A step of a replica's life, for logs, dashboards and counters. */
  void lifecycle(Lifecycle.Event event, ReplicaInfo replica, String detail);

  /** The manager stopped acting for good ({@code why}): it answers nothing more. */
  void steppedDown(String why);
}
