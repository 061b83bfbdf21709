package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manager's start waits for the first listing, and never for one that stopping took away. */
class FollowingTest {

  /** A listing whose look-up is still under way: it reports nothing until {@link #report}. */
  private static final class Pending implements Discovery {
    Listener listener;
    boolean stopped;

    @Override
    public String source() {
      return "pending";
    }

    @Override
    public void start(Listener listener) {
      this.listener = listener;
    }

    @Override
    public Future<Void> ready(Endpoint endpoint) {
      return Future.succeededFuture();
    }

    @Override
    public void stop() {
      stopped = true;
    }
  }

  @Test
  void stoppingDuringTheFirstLookUpEndsTheWait() {
    Pending discovery = new Pending();
    Following following = new Following(discovery, () -> { });
    Future<Void> started = following.start();
    assertTrue(!started.isComplete(), "it waits for the first look-up");
    following.stop();
    assertTrue(discovery.stopped);
    assertTrue(started.failed(), "a manager stepping down during its start does not wait for ever");
    assertTrue(following.start().failed(), "a stopped following does not start again");
  }

  @Test
  void theFirstListingEndsTheWait() {
    Pending discovery = new Pending();
    Following following = new Following(discovery, () -> { });
    Future<Void> started = following.start();
    discovery.listener.listed(List.of(Discovery.Endpoint.parse("127.0.0.1:8081")));
    assertTrue(started.succeeded());
    following.stop();
    assertTrue(started.succeeded(), "stopping later changes nothing of a start that is done");
  }
}
