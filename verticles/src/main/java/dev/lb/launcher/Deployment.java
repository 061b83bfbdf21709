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

  private Deployment() {}

  static Future<Void> deploy(Vertx vertx, JsonObject conf) {
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
