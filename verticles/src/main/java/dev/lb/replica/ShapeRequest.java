package dev.lb.replica;

import dev.lb.bus.BadRequestException;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Shaping;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A checked change of one replica's shaping ({@code PATCH /replicas/<name>}): its weight, its state, or both; what is
 * not given stays as it is.
 *
 * @param replica the replica's name
 * @param weight  its new weight, or null
 * @param state   its new state, or null
 */
record ShapeRequest(String replica, Integer weight, Shaping.State state) {

  private static final Set<String> FIELDS = Set.of(Shaping.WEIGHT, Shaping.STATE);

  /** Reads a request of {@link dev.lb.bus.Addresses#REPLICA_SHAPE}: {"replica", "weight"?, "state"?}. */
  static ShapeRequest parse(JsonObject request) {
    String name = ReplicaMessages.replica(request);
    JsonObject body = request.getJsonObject(ReplicaMessages.CHANGE, new JsonObject());
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new BadRequestException("Unknown field '" + field + "'; a replica's 'weight' and 'state' can be changed");
      }
    }
    if (body.isEmpty()) {
      throw new BadRequestException(Shaping.CHANGE_SHAPE);
    }
    Integer weight = body.containsKey(Shaping.WEIGHT) ? Shaping.weight(body.getValue(Shaping.WEIGHT)) : null;
    Shaping.State state = null;
    if (body.containsKey(Shaping.STATE)) {
      if (!(body.getValue(Shaping.STATE) instanceof String word)) {
        throw new BadRequestException("'state' must be one of " + Shaping.State.names() + ", got " + body.getValue(Shaping.STATE));
      }
      state = Shaping.State.named(word);
    }
    return new ShapeRequest(name, weight, state);
  }

  /** {@code current} with this change applied. */
  Shaping applyTo(Shaping current) {
    Shaping next = weight == null ? current : current.withWeight(weight);
    return state == null ? next : next.withState(state);
  }
}
