package dev.lb.bus;

import io.vertx.core.json.JsonObject;

/**
 * The order of everything a replica manager says: its epoch, which only grows from one active manager to the next,
 * then the version of its replica set, which grows with every change. Followers apply a snapshot only if its stamp is
 * newer than the last they applied, and ignore events of an older epoch: so a manager that lost its role (cut off,
 * then back) can change nothing, while a new manager's first snapshot wins whatever its version.
 *
 * @param epoch   the term of the manager that wrote it (1 and up; 0 for nothing yet)
 * @param version the version of the set within that term
 */
public record Stamp(long epoch, long version) implements Comparable<Stamp> {

  /** Older than anything a manager writes. */
  public static final Stamp NONE = new Stamp(0, -1);

  static final String EPOCH = "epoch";
  static final String VERSION = "version";

  /** The stamp of a snapshot or event; a payload without one counts as epoch 0. */
  public static Stamp of(JsonObject payload) {
    return new Stamp(payload.getLong(EPOCH, 0L), payload.getLong(VERSION, -1L));
  }

  /** The epoch an event carries, 0 if none. */
  public static long epochOf(JsonObject payload) {
    return payload.getLong(EPOCH, 0L);
  }

  public boolean newerThan(Stamp other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Stamp other) {
    int byEpoch = Long.compare(epoch, other.epoch);
    return byEpoch != 0 ? byEpoch : Long.compare(version, other.version);
  }

  JsonObject writeTo(JsonObject payload) {
    return payload.put(EPOCH, epoch).put(VERSION, version);
  }

  @Override
  public String toString() {
    return epoch + "." + version;
  }
}
