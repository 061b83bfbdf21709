package dev.lb.replica;

import dev.lb.bus.BadRequestException;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.Stamp;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * The replica set as the manager owns it: names in order of arrival, each with its ring id, and a version that
 * grows with every change. Plans of {@code /add} and {@code /rm} are checked here against the current set.
 */
final class ReplicaSet {

  /** A replica still to be started: its name and ring id. */
  record Slot(String name, int ringId) { }

  private final Map<String, Replica> byName = new LinkedHashMap<>();
  private final Random random;
  private long version;

  ReplicaSet(Random random) {
    this.random = random;
  }

  int size() {
    return byName.size();
  }

  Replica get(String name) {
    return byName.get(name);
  }

  List<Replica> all() {
    return List.copyOf(byName.values());
  }

  void add(Replica replica) {
    byName.put(replica.name(), replica);
    version++;
  }

  void remove(Replica replica) {
    byName.remove(replica.name());
    version++;
  }

  /** Replica {@code shaped}, already in the set, as it is now (a new weight or state); its place stays. */
  void update(Replica shaped) {
    byName.put(shaped.name(), shaped);
    version++;
  }

  /** The weights of the set together: what the ring has to hold (each unit K virtual nodes, or one Maglev turn). */
  int units() {
    return byName.values().stream().mapToInt(r -> r.shaping().weight()).sum();
  }

  /** Puts {@code fresh} where {@code failed} stood, keeping the order of the others. */
  void replace(Replica failed, Replica fresh) {
    List<Replica> order = new ArrayList<>(byName.values());
    order.replaceAll(r -> r.name().equals(failed.name()) ? fresh : r);
    byName.clear();
    order.forEach(r -> byName.put(r.name(), r));
    version++;
  }

  /** The set as the manager {@code manager} of {@code epoch} publishes it. */
  JsonObject snapshot(long epoch, String manager) {
    return ReplicaMessages.snapshot(new Stamp(epoch, version), manager, byName.values().stream().map(Replica::info).toList());
  }

  /** Names and ring ids for {@code request}: the given names first, then {@code Server k} for the smallest free k. */
  List<Slot> planAdd(ScaleRequest request, int max) {
    long adding = (long) request.n() * request.weight();
    if (units() + adding > max) {
      throw new BadRequestException("Cannot add " + request.n() + " replicas"
          + (request.weight() == 1 ? "" : " of weight " + request.weight()) + " to " + byName.size()
          + (units() == byName.size() ? "" : " (of " + units() + " weight units)") + ": the maximum is " + max);
    }
    for (String name : request.hostnames()) {
      if (byName.containsKey(name)) {
        throw new BadRequestException("Hostname '" + name + "' already exists");
      }
    }
    List<String> names = new ArrayList<>(request.hostnames());
    for (int k = 1; names.size() < request.n(); k++) {
      String generated = "Server " + k;
      if (!byName.containsKey(generated) && !names.contains(generated)) {
        names.add(generated);
      }
    }
    List<Integer> ids = freeRingIds(request.n());
    List<Slot> slots = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      slots.add(new Slot(names.get(k), ids.get(k)));
    }
    return slots;
  }

  /** The replicas {@code request} removes: the named ones, then others chosen at random. */
  List<Replica> planRemove(ScaleRequest request) {
    if (request.n() > byName.size()) {
      throw new BadRequestException("Cannot remove " + request.n() + " replicas: only " + byName.size() + " exist");
    }
    List<Replica> chosen = new ArrayList<>();
    for (String name : request.hostnames()) {
      Replica replica = byName.get(name);
      if (replica == null) {
        throw new BadRequestException("Hostname '" + name + "' does not exist");
      }
      chosen.add(replica);
    }
    List<Replica> others = new ArrayList<>(byName.values());
    others.removeAll(chosen);
    Collections.shuffle(others, random);
    chosen.addAll(others.subList(0, request.n() - chosen.size()));
    return chosen;
  }

  /** A randomly generated name for the replacement of a failed replica, as the assignment asks. */
  String randomName() {
    String name;
    do {
      byte[] bytes = new byte[3];
      random.nextBytes(bytes);
      name = "replica-" + HexFormat.of().formatHex(bytes);
    } while (byName.containsKey(name));
    return name;
  }

  /** The smallest ring id no replica of the set has. */
  int freeRingId() {
    return freeRingIds(1).get(0);
  }

  private List<Integer> freeRingIds(int count) {
    TreeSet<Integer> used = new TreeSet<>();
    byName.values().forEach(r -> used.add(r.ringId()));
    List<Integer> ids = new ArrayList<>();
    for (int id = 1; ids.size() < count; id++) {
      if (!used.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }
}
