package dev.lb.server;

import dev.lb.config.ConfigKeys;
import dev.lb.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A server replica: {@code GET /home} says who it is, {@code GET /heartbeat} says it is alive, anything else is 404.
 */
public class ServerVerticle extends VerticleBase {

  private HttpServer server;
  private Buffer homeBody;

  @Override
  public Future<?> start() {
    homeBody = Replies.successBody("Hello from Server: " + config().getString(ConfigKeys.SERVER_ID, "Unknown"));
    server = vertx.createHttpServer().requestHandler(router());
    return server.listen(config().getInteger(ConfigKeys.HTTP_PORT, 5000), config().getString(ConfigKeys.HTTP_HOST, "0.0.0.0"));
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

  private void heartbeat(RoutingContext ctx) {
    ctx.response().setStatusCode(200).end();
  }

  private void notFound(RoutingContext ctx) {
    Replies.failure(ctx.response(), 404, "<Error> '" + ctx.request().path() + "' not found");
  }

  /** The port it listens on; with {@code http.port = 0}, the one the system chose. */
  public int actualPort() {
    return server.actualPort();
  }
}
