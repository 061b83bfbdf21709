package dev.lb;

import dev.lb.balancer.BalancerSettings;
import dev.lb.balancer.BalancerVerticle;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaInfo;
import dev.lb.bus.ReplicaMessages;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.heartbeat.HeartbeatVerticle;
import dev.lb.replica.InProcessBackend;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.metrics.Telemetry;
import dev.lb.outlier.OutlierVerticle;
import dev.lb.heartbeat.HeartbeatSettings;
import dev.lb.replica.Authority;
import dev.lb.replica.ManagerSettings;
import dev.lb.replica.ReplicaBackend;
import dev.lb.replica.ReplicaBackends;
import dev.lb.replica.ReplicaManagerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.function.Predicate;

/** The real verticles deployed in one Vert.x for a test: manager, heartbeat and one balancer on port 0. */
public final class TestSystem {

  public final Vertx vertx;
  public final WebClient client;
  public final InProcessBackend backend;
  private final BalancerVerticle balancer;

  private TestSystem(Vertx vertx, InProcessBackend backend, BalancerVerticle balancer) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.backend = backend;
    this.balancer = balancer;
  }

  /** The defaults with a port chosen by the system, one balancer instance and a quick heartbeat. */
  public static JsonObject config() {
    return Settings.defaults()
        .put(ConfigKeys.HTTP_PORT, 0).put(ConfigKeys.HTTP_HOST, "127.0.0.1").put(ConfigKeys.BALANCER_INSTANCES, 1)
        .put(ConfigKeys.HEARTBEAT_INTERVAL_MS, 100).put(ConfigKeys.HEARTBEAT_TIMEOUT_MS, 200);
  }

  /** Deploys with in-JVM replicas. */
  public static Future<TestSystem> deploy(Vertx vertx, JsonObject conf) {
    InProcessBackend backend = new InProcessBackend(vertx);
    return deploy(vertx, conf, manager(conf, v -> backend), backend);
  }

  /** Deploys with the given backend, made for this test. */
  public static Future<TestSystem> deploy(Vertx vertx, JsonObject conf, ReplicaBackend backend) {
    return deploy(vertx, conf, manager(conf, v -> backend), null);
  }

  /** Deploys with the backend {@code backends} makes when the manager starts (on the manager's context). */
  public static Future<TestSystem> deploy(Vertx vertx, JsonObject conf,
      java.util.function.Function<Vertx, ReplicaBackend> backends) {
    return deploy(vertx, conf, manager(conf, backends), null);
  }

  /** Deploys with the backend that {@code backend} names in {@code conf}. */
  public static Future<TestSystem> deployConfigured(Vertx vertx, JsonObject conf) {
    return deploy(vertx, conf, manager(conf, ReplicaBackends.configured(conf)), null);
  }

  /** A manager alone (epoch 1) as {@code conf} says, with the backend {@code backends} makes. */
  public static ReplicaManagerVerticle manager(JsonObject conf, java.util.function.Function<Vertx, ReplicaBackend> backends) {
    return new ReplicaManagerVerticle(ManagerSettings.alone(conf), backends, Authority.ALONE);
  }

  /** Deploys with the given backend and the balancer's {@code telemetry} (an access log of the test's own, say). */
  public static Future<TestSystem> deploy(Vertx vertx, JsonObject conf, ReplicaBackend backend, Telemetry telemetry) {
    return deploy(vertx, conf, manager(conf, v -> backend), null, telemetry);
  }

  private static Future<TestSystem> deploy(Vertx vertx, JsonObject conf, ReplicaManagerVerticle manager,
      InProcessBackend backend) {
    return deploy(vertx, conf, manager, backend, Telemetry.NONE);
  }

  private static Future<TestSystem> deploy(Vertx vertx, JsonObject conf, ReplicaManagerVerticle manager,
      InProcessBackend backend, Telemetry telemetry) {
    DeploymentOptions options = new DeploymentOptions().setConfig(conf);
    BalancerVerticle balancer = new BalancerVerticle(BalancerSettings.from(conf), telemetry);
    return vertx.deployVerticle(manager, options)
        .compose(id -> vertx.deployVerticle(new HeartbeatVerticle(HeartbeatSettings.from(conf), 1), options))
        .compose(id -> vertx.deployVerticle(OutlierVerticle.of(conf, ProxyMetrics.NONE)))
        .compose(id -> vertx.deployVerticle(balancer, options))
        .map(id -> new TestSystem(vertx, backend, balancer));
  }

  public int port() {
    return balancer.actualPort();
  }

  /** The port HTTPS is served on (see {@link BalancerVerticle#actualTlsPort}). */
  public int tlsPort() {
    return balancer.actualTlsPort();
  }

  public Future<HttpResponse<Buffer>> send(HttpMethod method, String path, String body) {
    var request = client.request(method, port(), "127.0.0.1", path);
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  public Future<HttpResponse<Buffer>> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  /** The replica set as the manager publishes it, with ring ids and addresses. */
  public Future<List<ReplicaInfo>> replicas() {
    return vertx.eventBus().<JsonObject>request(Addresses.REPLICAS_GET, new JsonObject())
        .map(msg -> ReplicaMessages.replicas(msg.body()));
  }

  /** Polls {@code GET /rep} every 100 ms until its message satisfies {@code done}, for at most {@code timeoutMs}. */
  public Future<JsonObject> awaitRep(Predicate<JsonObject> done, long timeoutMs) {
    Promise<JsonObject> result = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    pollRep(done, deadline, result);
    return result.future();
  }

  private void pollRep(Predicate<JsonObject> done, long deadline, Promise<JsonObject> result) {
    get("/rep").onComplete(ar -> {
      JsonObject message = ar.succeeded() ? ar.result().bodyAsJsonObject().getJsonObject("message") : null;
      if (message != null && done.test(message)) {
        result.complete(message);
      } else if (System.currentTimeMillis() > deadline) {
        result.fail("/rep never reached the expected state; last: " + message);
      } else {
        vertx.setTimer(100, t -> pollRep(done, deadline, result));
      }
    });
  }
}
