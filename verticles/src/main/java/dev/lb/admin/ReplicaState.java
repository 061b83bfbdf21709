package dev.lb.admin;

/**
 * A replica's state as the dashboard shows it, and what a balancer does with a replica in that state. {@link #json()}
 * is the word {@code /api/state} gives (the page styles its cards by it: {@code app.js}, {@code style.css}).
 *
 * <p>A balancer ({@code RoutingTable}) sends a key to its owner if it is <em>routable</em>: not announced down since it
 * last answered, not suspected by that balancer's own forwards since, and not held out by the node's outlier detector;
 * if no replica is routable, to one that is merely <em>up</em> (held out, but not down or suspected: its panic mode).
 * {@link #routable()} and {@link #up()} are those two.
 */
enum ReplicaState {

  /** Being started: not in the set yet. */
  STARTING("starting", false, false),
  /** In the set and answering. */
  UP("up", true, true),
  /** A balancer's forward to it failed to connect or was reset: that balancer routes around it until it answers. */
  SUSPECT("suspect", false, false),
  /** The node's outlier detector holds it out for a while: routed to only if nothing else is. */
  EJECTED("ejected", false, true),
  /** The heartbeat announced it down. */
  DOWN("down", false, false),
  /** Down, and its successor is being started on its ring id. */
  REPLACING("replacing", false, false);

  private final String json;
  private final boolean routable;
  private final boolean up;

  ReplicaState(String json, boolean routable, boolean up) {
    this.json = json;
    this.routable = routable;
    this.up = up;
  }

  /** The word for it in {@code /api/state}. */
  String json() {
    return json;
  }

  /** Whether a balancer sends it the keys it owns. */
  boolean routable() {
    return routable;
  }

  /** Whether a balancer sends it requests when no replica is routable. */
  boolean up() {
    return up;
  }
}
