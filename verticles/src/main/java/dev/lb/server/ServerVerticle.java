package dev.lb.server;

import dev.lb.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;

/**
 * A server replica: {@code GET /home} says who it is (its numeric server id), {@code GET /heartbeat} says it is alive,
 * anything else is 404. With a lease ({@code replica.lease.ms} above 0), it closes its Vert.x, and so ends its process,
 * once no manager's heartbeat has claimed it for that long. Once told to {@link #drain}, it answers its heartbeat 503
 * while it goes on serving, so that balancers take it out of routing before it stops.
 */
public class ServerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(ServerVerticle.class.getName());

  private final ServerSettings settings;
  private HttpServer server;
  private Buffer homeBody;
  private Lease lease;
  private long leaseTimer = -1;
  /** Set on the verticle's event loop only (see {@link #drain}). */
  private boolean draining;

  public ServerVerticle(ServerSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    String id = settings.id();
    homeBody = Replies.successBody("Hello from Server: " + id);
    long leaseMs = settings.leaseMs();
    if (leaseMs > 0) {
      lease = new Lease(leaseMs, System.nanoTime());
      leaseTimer = vertx.setPeriodic(Math.max(10, leaseMs / 4), t -> {
        if (lease.expired(System.nanoTime())) {
          LOG.log(Level.WARNING, "server {0}: no replica manager claimed it for {1} ms; exiting", id, leaseMs);
          vertx.cancelTimer(leaseTimer);
          vertx.close();
        }
      });
    }
    server = vertx.createHttpServer().requestHandler(router());
    return server.listen(settings.port(), settings.host());
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.get("/home").handler(this::home);
    router.get("/heartbeat").handler(this::heartbeat);
    router.route().handler(this::notFound);
    return router;
  }

  private void home(RoutingContext ctx) {
    Replies.json(ctx.response(), 200, homeBody);
  }

  /**
   * It is about to stop (asked from any thread): from now on its heartbeat answers 503, so the balancers' heartbeat
   * takes it out of routing while it still serves the requests sent meanwhile.
   */
  public void drain() {
    context.runOnContext(v -> draining = true);
  }

  private void heartbeat(RoutingContext ctx) {
    if (draining) {
      Replies.failure(ctx.response(), 503, "<Error> This replica is shutting down");
      return;
    }
    String claim = ctx.request().getHeader(Lease.HEADER);
    if (claim != null && lease != null && !lease.claim(epoch(claim), System.nanoTime())) {
      // the header says it to the heartbeat: its manager was replaced, and it is no failure of this replica
      ctx.response().putHeader(Lease.HEADER, String.valueOf(lease.newestEpoch()));
      Replies.failure(ctx.response(), 409, "<Error> This replica is claimed by a newer manager (epoch "
          + lease.newestEpoch() + ")");
      return;
    }
    ctx.response().setStatusCode(200).end();
  }

  private static long epoch(String claim) {
    try {
      return Long.parseLong(claim.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void notFound(RoutingContext ctx) {
    Replies.failure(ctx.response(), 404, "<Error> '" + ctx.request().path() + "' not found");
  }

  /** The port it listens on; with {@code http.port = 0}, the one the system chose. */
  public int actualPort() {
    return server.actualPort();
  }
}
