package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lb.TestSystem;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The manager on the bus: it answers for the set only once its take-over is done. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ReplicaManagerVerticleTest {

  /** A backend whose replicas start when the test says so. */
  private static final class HeldBackend implements ReplicaBackend {
    final Promise<Void> go = Promise.promise();
    private int port = 9000;

    @Override
    public Future<Replica> start(String name, int ringId) {
      int p = ++port;
      return go.future().map(v -> new Replica(name, ringId, "127.0.0.1", p, "pid-" + p));
    }

    @Override
    public Future<Void> stop(Replica replica) {
      return Future.succeededFuture();
    }

    @Override
    public void exitHandler(BiConsumer<Replica, String> handler) {
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  @Test
  void aSetHalfTakenOverIsNoAnswer(Vertx vertx, VertxTestContext ctx) {
    HeldBackend backend = new HeldBackend();
    Future<String> deployed = vertx.deployVerticle(TestSystem.manager(TestSystem.config(), v -> backend));
    vertx.setTimer(200, t -> vertx.eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) err).failureType(), "not answered mid take-over");
          backend.go.complete();
          deployed.compose(id -> vertx.eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject()))
              .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
                assertEquals(List.of("Server 1", "Server 2", "Server 3"), ReplicaMessages.replicas(reply.body()).stream()
                    .map(r -> r.name()).toList());
                ctx.completeNow();
              })));
        }))));
  }
}
