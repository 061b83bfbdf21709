package dev.lb.discovery;

import dev.lb.replica.Discovery;
import dev.lb.replica.Readiness;
import dev.lb.replica.Replica;
import dev.lb.replica.ReplicaBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The backend of replicas that someone else runs (the {@code static} and {@code dns} backends): it starts, stops and
 * replaces nothing, and lists the replicas with its {@link Lookup}, once ({@code refreshMs} 0: a fixed list) or again
 * {@code refreshMs} after each look-up ended. A take-over keeps the recorded set as it was (its ring ids with it); the
 * manager's first listing then says who stays. The heartbeat probes them as any others.
 */
public final class DiscoveredBackend implements ReplicaBackend, Discovery {

  private static final System.Logger LOG = System.getLogger(DiscoveredBackend.class.getName());

  private final Vertx vertx;
  private final String source;
  private final Lookup lookup;
  private final long refreshMs;
  private final long readyTimeoutMs;
  private final WebClient client;
  private final Readiness readiness;
  private long timer = -1;
  private boolean stopped;

  /**
   * Lists with {@code lookup} (told as {@code source}) every {@code refreshMs} (0: once); a replica listed later is
   * waited for until it answers {@code healthPath}, for at most {@code readyTimeoutMs}.
   */
  public DiscoveredBackend(Vertx vertx, String source, Lookup lookup, long refreshMs, String healthPath,
      long readyTimeoutMs) {
    this.vertx = vertx;
    this.source = source;
    this.lookup = lookup;
    this.refreshMs = refreshMs;
    this.readyTimeoutMs = readyTimeoutMs;
    this.client = WebClient.create(vertx);
    this.readiness = new Readiness(vertx, client, healthPath);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public void start(Listener listener) {
    look(listener);
  }

  private void look(Listener listener) {
    lookup.look().onComplete(ar -> {
      if (stopped) {
        return;
      }
      // the next look-up is set first: a listener that throws must not end the following
      if (refreshMs > 0) {
        timer = vertx.setTimer(refreshMs, t -> look(listener));
      }
      if (ar.failed()) {
        listener.failed(String.valueOf(ar.cause().getMessage()));
      } else if (ar.result().isEmpty()) {
        listener.failed("it lists no replica");
      } else {
        listener.listed(ar.result().stream().distinct().toList());
      }
    });
  }

  @Override
  public Future<Void> ready(Endpoint endpoint) {
    return readiness.await(endpoint.toString(), endpoint.host(), endpoint.port(), readyTimeoutMs, () -> !stopped);
  }

  @Override
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  @Override
  public Optional<Discovery> discovery() {
    return Optional.of(this);
  }

  /** The replicas recorded before stay as they were (they were never this backend's to lose); listings decide. */
  @Override
  public Future<List<Replica>> adopt(List<Replica> previous) {
    return Future.succeededFuture(previous);
  }

  @Override
  public Future<Replica> start(String name, int ringId) {
    return Future.failedFuture(new IllegalStateException(source + " lists the replicas: none is started here"));
  }

  /** Nothing to stop: whoever runs the replicas stops them. */
  @Override
  public Future<Void> stop(Replica replica) {
    return Future.succeededFuture();
  }

  @Override
  public void exitHandler(BiConsumer<Replica, String> handler) {
    // their processes are not this node's: only the heartbeat can tell that one is gone
  }

  @Override
  public void release() {
    stop();
  }

  @Override
  public Future<Void> close() {
    stop();
    return lookup.close().onFailure(err -> LOG.log(Level.WARNING, "could not close the look-up of {0}: {1}", source,
        err.getMessage())).otherwiseEmpty().onComplete(ar -> client.close());
  }
}
