package dev.lb.loadtest.traffic;

import dev.lb.loadtest.load.LoadGenerator;
import dev.lb.loadtest.load.Plan;
import dev.lb.loadtest.process.Balancer;
import dev.lb.loadtest.process.Launch;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every scenario of {@link TrafficCommand} uses: Vert.x and a client, the balancer's jar, where logs go, where
 * figures are printed, and the load generator.
 */
record Lab(Vertx vertx, WebClient client, Launch launch, Path out, PrintWriter print, LoadGenerator generator) {

  /** Closed-loop clients of the drain and warm-up runs. */
  static final int CLIENTS = 16;

  /** Starts the balancer's jar with {@code env}, its log in {@code <out>/<name>.log}. */
  Balancer balancer(String name, Map<String, String> env) {
    return Balancer.start(launch, env, out.resolve(name + ".log"), client);
  }

  /** {@code ms} of closed-loop load, unmeasured: a fresh JVM's first seconds are not what is measured. */
  void warm(Balancer b, long ms) {
    generator.run(Plan.closedLoop(b.endpoint(), CLIENTS, ms)).await();
  }
}
