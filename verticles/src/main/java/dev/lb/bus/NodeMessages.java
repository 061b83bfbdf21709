package dev.lb.bus;

import io.vertx.core.json.JsonObject;

/** Builds and reads the payloads of a node's own questions: its quorum, and the manager running on it. */
public final class NodeMessages {

  public static final String CLUSTERED = "clustered";
  public static final String PRESENT = "present";
  public static final String MEMBERS = "members";
  public static final String NEEDED = "needed";
  public static final String EPOCH = "epoch";
  public static final String ACTING = "acting";
  /** The manager's discovery, when someone else runs its replicas: {"source", "listed", "looking", "error", ...}. */
  public static final String DISCOVERY = "discovery";

  private NodeMessages() {}

  /** A payload of {@link Addresses#NODE_QUORUM} and {@link Addresses#NODE_QUORUM_CHANGED} (clustered nodes only). */
  public static JsonObject quorum(boolean present, int members, int needed) {
    return new JsonObject().put(CLUSTERED, true).put(PRESENT, present).put(MEMBERS, members).put(NEEDED, needed);
  }

  /**
   * Whether a quorum payload says the quorum is present; one that says nothing (a node that is not clustered has no
   * one to answer) counts as present: alone, a node always may.
   */
  public static boolean present(JsonObject quorum) {
    return quorum == null || quorum.getBoolean(PRESENT, true);
  }

  /** The quorum a payload needs (0 if none). */
  public static int needed(JsonObject quorum) {
    return quorum == null ? 0 : quorum.getInteger(NEEDED, 0);
  }

  /** A reply of {@link Addresses#MANAGER_STATE}. */
  public static JsonObject manager(long epoch, boolean acting) {
    return new JsonObject().put(EPOCH, epoch).put(ACTING, acting);
  }

  /** A reply of {@link Addresses#MANAGER_STATE} of a manager that follows a discovery in the state {@code discovery}. */
  public static JsonObject manager(long epoch, boolean acting, JsonObject discovery) {
    JsonObject state = manager(epoch, acting);
    return discovery == null ? state : state.put(DISCOVERY, discovery);
  }
}
