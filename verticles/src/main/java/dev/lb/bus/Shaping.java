package dev.lb.bus;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;

/**
 * How balancers shape the traffic to one replica, as the manager records and publishes it with the replica: its
 * weight, its state, and since when it warms up (slow start).
 *
 * @param weight      its share relative to a replica of weight 1: {@code w × K} virtual nodes, {@code w} Maglev turns
 * @param state       whether it takes new requests ({@link State})
 * @param warmingFrom when it was started, in milliseconds of the epoch, if it is to warm up (slow start): a replica
 *                    added to a running set or replacing one; 0 for one that is warm (started with the balancer, or
 *                    adopted)
 */
public record Shaping(int weight, State state, long warmingFrom) {

  /** The greatest weight: HAProxy's. */
  public static final int MAX_WEIGHT = 256;

  /** Weight 1, ready, warm: every replica's shaping unless an operator changed it. */
  public static final Shaping DEFAULT = new Shaping(1, State.READY, 0);

  /** What a change of a replica's shaping looks like ({@code PATCH /replicas/<name>}). */
  public static final String CHANGE_SHAPE = "Request body must be a JSON object like {\"weight\": 2} or {\"state\": \"drain\"}";

  public Shaping {
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new BadRequestException(weightRule(weight));
    }
    if (state == null) {
      throw new BadRequestException("'state' must be one of " + State.names());
    }
  }

  /** A weight as a request gives it (a JSON value), checked: a whole number in 1..{@link #MAX_WEIGHT}. */
  public static int weight(Object value) {
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
        || ((Number) value).longValue() > MAX_WEIGHT) {
      throw new BadRequestException(weightRule(value));
    }
    return ((Number) value).intValue();
  }

  private static String weightRule(Object given) {
    return "'weight' must be a whole number in 1.." + MAX_WEIGHT + ", got " + given;
  }

  /** A replica's runtime state, set by an operator without removing it. */
  public enum State {
    /** Takes its keys. */
    READY,
    /**
     * Takes no new requests, those under way end: its keys go to their next owner on the ring, and come back, exactly
     * the same keys, when it is {@code ready} again. Replaced if it dies, as a ready one is.
     */
    DRAIN,
    /** Out of routing, and not replaced while it is down: an operator works on it. */
    MAINT;

    /** The word of the API: {@code ready}, {@code drain}, {@code maint}. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The state named {@code word} in the API; a {@link BadRequestException} naming the choices otherwise. */
    public static State named(String word) {
      for (State s : values()) {
        if (s.json().equals(word)) {
          return s;
        }
      }
      throw new BadRequestException("Unknown state '" + word + "'; choose one of " + names());
    }

    public static String names() {
      return String.join(", ", Arrays.stream(values()).map(State::json).toList());
    }
  }

  public Shaping withWeight(int next) {
    return new Shaping(next, state, warmingFrom);
  }

  public Shaping withState(State next) {
    return new Shaping(weight, next, warmingFrom);
  }

  public Shaping warmingFrom(long epochMillis) {
    return new Shaping(weight, state, epochMillis);
  }

  public boolean routed() {
    return state == State.READY;
  }

  public static final String WEIGHT = "weight";
  public static final String STATE = "state";
  static final String WARMING_FROM = "warmingFrom";

  /** Writes what differs from {@link #DEFAULT} into {@code json}: a default replica's payload is as before. */
  JsonObject writeTo(JsonObject json) {
    if (weight != 1) {
      json.put(WEIGHT, weight);
    }
    if (state != State.READY) {
      json.put(STATE, state.json());
    }
    if (warmingFrom > 0) {
      json.put(WARMING_FROM, warmingFrom);
    }
    return json;
  }

  static Shaping readFrom(JsonObject json) {
    if (!json.containsKey(WEIGHT) && !json.containsKey(STATE) && !json.containsKey(WARMING_FROM)) {
      return DEFAULT;
    }
    return new Shaping(json.getInteger(WEIGHT, 1), State.named(json.getString(STATE, "ready")),
        json.getLong(WARMING_FROM, 0L));
  }
}
