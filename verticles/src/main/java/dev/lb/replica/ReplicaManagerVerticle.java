package dev.lb.replica;

import dev.lb.bus.NodeMessages;
import dev.lb.bus.Addresses;
import dev.lb.bus.Failures;
import dev.lb.bus.Lifecycle;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.bus.ReplicaStore;
import dev.lb.bus.Stamp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The replica manager on the event bus: a thin adapter that maps the bus's requests and events to its
 * {@link ReplicaManager} and says what the manager tells ({@link ManagerEvents}) on the bus. It acts for the epoch of
 * its {@link ManagerSettings}, as its {@link Authority} allows.
 */
public class ReplicaManagerVerticle extends VerticleBase {

  private final ManagerSettings settings;
  private final Function<Vertx, ReplicaBackend> backendFactory;
  private final Authority authority;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private ReplicaManager manager;

  /**
   * The manager {@code settings} describe, with the backend {@code backendFactory} makes (see
   * {@link ReplicaBackends#configured}), acting only while {@code authority} allows ({@link Authority#ALONE}: always).
   */
  public ReplicaManagerVerticle(ManagerSettings settings, Function<Vertx, ReplicaBackend> backendFactory,
      Authority authority) {
    this.settings = settings;
    this.backendFactory = backendFactory;
    this.authority = authority;
  }

  @Override
  public Future<?> start() {
    ReplicaBackend backend = backendFactory.apply(vertx);
    backend.exitHandler((r, how) -> vertx.eventBus().publish(Addresses.REPLICA_DOWN,
        ReplicaMessages.replicaEvent(r.name(), "its process " + how, settings.epoch())));
    manager = new ReplicaManager(settings, backend, ReplicaStore.shared(vertx), authority, new BusEvents(),
        new BalancerDrains(vertx), (ms, action) -> vertx.setTimer(ms, t -> action.run()), new SecureRandom());
    EventBus bus = vertx.eventBus();
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICA_DOWN, msg -> manager.down(
        ReplicaMessages.replica(msg.body()), ReplicaMessages.reason(msg.body()), Stamp.epochOf(msg.body()))));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICA_UP, msg -> manager.up(ReplicaMessages.replica(msg.body()))));
    consumers.add(bus.<JsonObject>consumer(Addresses.REPLICAS_CHANGED, msg -> manager.heard(msg.body())));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.MANAGER_RELEASE, msg -> {
      manager.stepDown("it hands its role over");
      msg.reply(new JsonObject());
    }));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.MANAGER_DEPOSED, msg -> manager.stepDown(
        ReplicaMessages.reason(msg.body()))));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.MANAGER_RESUME, msg -> {
      manager.resume();
      msg.reply(new JsonObject());
    }));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.NODE_QUORUM_CHANGED, msg -> {
      if (!NodeMessages.present(msg.body())) {
        manager.suspend();
      }
    }));
    consumers.add(bus.<JsonObject>localConsumer(Addresses.MANAGER_STATE, msg -> msg.reply(NodeMessages.manager(settings.epoch(),
        manager.acting(), manager.discoveryState()))));
    // questions and commands only once the take-over is done: a set half taken over is not an answer (a balancer would
    // route with it, since its epoch is newer than the one it has)
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> manager.start())
        .recover(err -> {
          // nothing will stop what the backend holds if this start fails: it lets its replicas go, and closes
          backend.release();
          return backend.close().transform(x -> Future.failedFuture(err));
        })
        .compose(v -> manager.active() ? Future.succeededFuture()
            : Future.failedFuture("the replica manager of epoch " + settings.epoch() + " stepped down during its take-over"))
        .compose(v -> Future.all(List.of(
            answering(bus.<JsonObject>consumer(Addresses.REPLICAS_ADD, msg -> answer(msg, manager.add(msg.body())))),
            answering(bus.<JsonObject>consumer(Addresses.REPLICAS_REMOVE, msg -> answer(msg, manager.remove(msg.body())))),
            answering(bus.<JsonObject>consumer(Addresses.REPLICA_SHAPE, msg -> answer(msg, manager.shape(msg.body())))),
            answering(bus.<JsonObject>consumer(Addresses.REPLICAS_GET, msg -> msg.reply(manager.snapshot()))))));
  }

  private Future<Void> answering(MessageConsumer<JsonObject> consumer) {
    consumers.add(consumer);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return manager.stop();
  }

  /** Whether this manager acts now (not stepped down, its node seeing a quorum). */
  public boolean acting() {
    return manager != null && manager.acting();
  }

  private static void answer(Message<JsonObject> msg, Future<JsonObject> result) {
    result.onSuccess(msg::reply).onFailure(err -> msg.fail(Failures.codeFor(err), Failures.messageFor(err)));
  }

  /** What the manager tells, said on the bus. */
  private final class BusEvents implements ManagerEvents {

    @Override
    public void changed(JsonObject snapshot) {
      vertx.eventBus().publish(Addresses.REPLICAS_CHANGED, snapshot);
    }

    @Override
    public void down(ReplicaInfo replica, String reason) {
      vertx.eventBus().publish(Addresses.REPLICA_DOWN, ReplicaMessages.replicaEvent(replica.name(), reason,
          settings.epoch()));
    }

    @Override
    public void lifecycle(Lifecycle.Event event, ReplicaInfo replica, String detail) {
      Lifecycle.emit(vertx, event, replica.name(), replica.ringId(), replica.port() == 0 ? "" : replica.address(), detail);
    }

    @Override
    public void steppedDown(String why) {
      consumers.forEach(MessageConsumer::unregister);
    }
  }
}
