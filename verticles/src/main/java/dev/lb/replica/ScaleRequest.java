package dev.lb.replica;

import dev.lb.bus.BadRequestException;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Shaping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A checked {@code /add} or {@code /rm} request: {@code n} replicas, the first of them named by {@code hostnames}.
 *
 * @param n         how many replicas to add or remove, at least 1
 * @param hostnames distinct valid names, at most {@code n}
 * @param weight    the weight of each replica {@code /add} starts (its optional {@code "weight"}, 1 by default)
 */
public record ScaleRequest(int n, List<String> hostnames, int weight) {

  /** Replicas of weight 1. */
  public ScaleRequest(int n, List<String> hostnames) {
    this(n, hostnames, 1);
  }

  /** The assignment's error when {@code /add} names more replicas than it adds. */
  public static final String ADD_TOO_MANY_NAMES = "<Error> Length of hostname list is more than newly added instances";
  /** The assignment's error when {@code /rm} names more replicas than it removes. */
  public static final String REMOVE_TOO_MANY_NAMES = "<Error> Length of hostname list is more than removable instances";

  /** Reads and checks a request body; {@code tooManyNames} is the error when there are more names than {@code n}. */
  public static ScaleRequest parse(JsonObject body, String tooManyNames) {
    int n = count(body.getValue(ReplicaMessages.N));
    // "hostnames": null is not a list of names; only a missing field means none
    List<String> names = body.containsKey(ReplicaMessages.HOSTNAMES) ? names(body.getValue(ReplicaMessages.HOSTNAMES)) : List.of();
    if (names.size() > n) {
      throw new BadRequestException(tooManyNames);
    }
    return new ScaleRequest(n, names, body.containsKey(Shaping.WEIGHT) ? Shaping.weight(body.getValue(Shaping.WEIGHT)) : 1);
  }

  private static int count(Object value) {
    if (value == null) {
      throw new BadRequestException("'n' is required: the number of replicas, a positive integer");
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new BadRequestException("'n' must be a positive integer, got " + shown(value));
    }
    long n = ((Number) value).longValue();
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new BadRequestException("'n' must be a positive integer, got " + n);
    }
    return (int) n;
  }

  private static List<String> names(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw new BadRequestException("'hostnames' must be a list of names, got " + shown(value));
    }
    List<String> names = new ArrayList<>(array.size());
    Set<String> seen = new HashSet<>();
    for (int k = 0; k < array.size(); k++) {
      if (!(array.getValue(k) instanceof String name)) {
        throw new BadRequestException("'hostnames' must hold only strings; item " + k + " is " + shown(array.getValue(k)));
      }
      ReplicaNames.check(name);
      if (!seen.add(name)) {
        throw new BadRequestException("Hostname '" + name + "' is listed more than once");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  private static String shown(Object value) {
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
