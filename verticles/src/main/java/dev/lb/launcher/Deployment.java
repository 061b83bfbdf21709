package dev.lb.launcher;

import dev.lb.balancer.BalancerVerticle;
import dev.lb.config.ConfigKeys;
import dev.lb.heartbeat.HeartbeatVerticle;
import dev.lb.replica.ReplicaManagerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Deploys the system in dependency order: replica manager, heartbeat, then the balancer instances. */
final class Deployment {

  private static final System.Logger LOG = System.getLogger(Deployment.class.getName());

  private Deployment() {}

  /** Anyone who reaches a balancer listening beyond loopback can change its replicas unless a token is set. */
  private static void warnIfAdminIsOpen(JsonObject conf) {
    String host = conf.getString(ConfigKeys.HTTP_HOST, "0.0.0.0");
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    if (conf.getString(ConfigKeys.ADMIN_TOKEN, "").isEmpty() && !loopback) {
      LOG.log(System.Logger.Level.WARNING, "/add and /rm are open to anyone who can reach {0}:{1,number,#}; set "
          + "LB_ADMIN_TOKEN to require a bearer token, or LB_HOST=127.0.0.1", host, conf.getInteger(ConfigKeys.HTTP_PORT));
    }
  }

  static Future<Void> deploy(Vertx vertx, JsonObject conf) {
    warnIfAdminIsOpen(conf);
    DeploymentOptions options = new DeploymentOptions().setConfig(conf);
    int instances = conf.getInteger(ConfigKeys.BALANCER_INSTANCES, 0);
    DeploymentOptions balancers = new DeploymentOptions().setConfig(conf)
        .setInstances(instances > 0 ? instances : Runtime.getRuntime().availableProcessors());
    return vertx.deployVerticle(new ReplicaManagerVerticle(), options)
        .compose(id -> vertx.deployVerticle(new HeartbeatVerticle(), options))
        .compose(id -> vertx.deployVerticle(BalancerVerticle::new, balancers))
        .mapEmpty();
  }
}
