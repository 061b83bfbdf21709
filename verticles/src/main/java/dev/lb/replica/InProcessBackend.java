package dev.lb.replica;

import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.server.ServerSettings;
import dev.lb.server.ServerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/** Each replica is a {@link ServerVerticle} in this JVM, on its own port of 127.0.0.1: for tests and embedding. */
public final class InProcessBackend extends TrackedBackend {

  private static final String HOST = "127.0.0.1";

  private final Map<String, Replica> byName = new HashMap<>();

  public InProcessBackend(Vertx vertx) {
    super(vertx, ReplicaSettings.from(Settings.defaults().put(ConfigKeys.REPLICA_HOST, HOST)));
  }

  @Override
  protected Future<Replica> launch(String name, int ringId) {
    ServerVerticle server = new ServerVerticle(new ServerSettings(String.valueOf(ringId), HOST, 0, 0));
    return vertx.deployVerticle(server).map(id -> {
      Replica replica = new Replica(name, ringId, HOST, server.actualPort(), id);
      byName.put(name, replica);
      return replica;
    });
  }

  @Override
  protected Future<Void> terminate(Replica replica, long graceMs) {
    byName.remove(replica.name());
    return vertx.deploymentIDs().contains(replica.instance()) ? vertx.undeploy(replica.instance()) : Future.succeededFuture();
  }


  /**
   * Makes replica {@code name} stop answering without telling anyone, as a crash would: only the heartbeat can
   * find out. For tests.
   */
  public Future<Void> crash(String name) {
    Replica replica = byName.get(name);
    return replica == null ? Future.failedFuture("no replica " + name) : vertx.undeploy(replica.instance());
  }

  /** The replicas it runs now, by name. */
  public Map<String, Replica> running() {
    return Map.copyOf(byName);
  }
}
