package dev.lb.launcher;

import dev.lb.admin.AdminSettings;
import dev.lb.admin.AdminVerticle;
import dev.lb.balancer.BalancerSettings;
import dev.lb.balancer.BalancerVerticle;
import dev.lb.bus.Addresses;
import dev.lb.bus.ReplicaMessages;
import dev.lb.cluster.ClusterAuthority;
import dev.lb.cluster.ClusterSettings;
import dev.lb.cluster.ManagerElection;
import dev.lb.cluster.QuorumVerticle;
import dev.lb.cluster.Roles;
import dev.lb.cluster.RoutingAgreement;
import dev.lb.cluster.RoutingAgreementVerticle;
import dev.lb.config.ConfigKeys;
import dev.lb.heartbeat.HeartbeatSettings;
import dev.lb.heartbeat.HeartbeatVerticle;
import dev.lb.http.AccessFormat;
import dev.lb.http.AccessLog;
import dev.lb.metrics.Metrics;
import dev.lb.metrics.ProxyMetrics;
import dev.lb.metrics.SystemMetrics;
import dev.lb.metrics.Telemetry;
import dev.lb.tracing.Tracing;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import dev.lb.outlier.OutlierVerticle;
import dev.lb.replica.Authority;
import dev.lb.replica.ManagerSettings;
import dev.lb.replica.ReplicaBackends;
import dev.lb.replica.ReplicaManagerVerticle;
import dev.lb.tls.CertificateWatcher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node of the system: a plain Vert.x, or a clustered one (Hazelcast) when {@code cluster.enabled}; and on it, in
 * dependency order, what its roles ask for. Not clustered, the manager and heartbeat are deployed directly (epoch 1);
 * clustered, a {@link ManagerElection} deploys them on the one node that wins it. Balancer instances come last.
 */
public final class Deployment {

  private static final System.Logger LOG = System.getLogger(Deployment.class.getName());
  /** How long a stopping node may take to hand its replicas over or stop them. */
  private static final long LEAVE_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final boolean clustered;
  private String balancers;
  private String manager;
  private final PrometheusMeterRegistry registry;
  /** Whether the cluster's members route as this node does (clustered only). */
  private RoutingAgreement routing;
  private final ProxyMetrics proxyMetrics;
  private final SystemMetrics systemMetrics;
  private final AccessLog accessLog;
  /** Spans of the forward path and of Vert.x's own servers, clients and event bus, or off. */
  private final Tracing tracing;

  private Deployment(Vertx vertx, boolean clustered, PrometheusMeterRegistry registry, AccessFormat accessLog,
      Tracing tracing) {
    this.vertx = vertx;
    this.tracing = tracing;
    this.clustered = clustered;
    this.registry = registry;
    this.proxyMetrics = registry == null ? ProxyMetrics.NONE : new ProxyMetrics(registry);
    this.systemMetrics = registry == null ? SystemMetrics.NONE : new SystemMetrics(registry);
    this.accessLog = accessLog == null ? AccessLog.OFF
        : AccessLog.toStandardOutput(accessLog, proxyMetrics::accessLogDropped);
  }

  private static VertxBuilder metered(VertxBuilder builder, VertxOptions options, PrometheusMeterRegistry registry) {
    return registry == null ? builder.with(options) : Metrics.withMetrics(builder, options, registry);
  }

  /** The access log's format, or null when it is off; a format it does not know stops the start. */
  private static AccessFormat accessFormat(JsonObject conf) {
    AccessFormat format = AccessFormat.named(conf.getString(ConfigKeys.ACCESS_LOG_FORMAT));
    return conf.getBoolean(ConfigKeys.ACCESS_LOG) ? format : null;
  }

  /** Builds Vert.x as the configuration says and deploys the node's roles. */
  public static Future<Deployment> start(JsonObject conf) {
    Set<Roles> roles = Roles.of(conf);
    boolean clustered = conf.getBoolean(ConfigKeys.CLUSTER_ENABLED);
    if (roles.contains(Roles.MANAGER)) {
      // the backend's settings are checked now, before anything starts: a clustered node makes its manager only once
      // elected, when a bad address list could no longer stop the start
      ReplicaBackends.configured(conf);
    }
    warnIfAdminIsOpen(conf, roles);
    Transport transport = transport(conf.getString(ConfigKeys.TRANSPORT),
        List.of(ReplicaBackends.DOCKER, ReplicaBackends.SWARM).contains(conf.getString(ConfigKeys.BACKEND))
            && roles.contains(Roles.MANAGER));
    PrometheusMeterRegistry registry = conf.getBoolean(ConfigKeys.METRICS_ENABLED) ? Metrics.registry() : null;
    Tracing tracing = Tracing.fromEnvironment(System.getenv());
    VertxBuilder builder = Vertx.builder().withTransport(transport);
    if (tracing.on()) {
      LOG.log(Level.INFO, "tracing: {0}", tracing.description());
      builder.withTracer(new OpenTelemetryTracingFactory(tracing.openTelemetry()));
    }
    if (!clustered) {
      Deployment node = new Deployment(metered(builder, new VertxOptions(), registry).build(), false, registry,
          accessFormat(conf), tracing);
      return node.deploy(conf, roles, null, 1).map(node);
    }
    ClusterSettings cluster = ClusterSettings.from(conf);
    HazelcastClusterManager manager = new HazelcastClusterManager(cluster.hazelcast());
    // without a context: a node refused at join closes its Vert.x, whose contexts then run nothing more
    Promise<Deployment> started = Promise.promise();
    metered(builder, cluster.vertxOptions(new VertxOptions()), registry).withClusterManager(manager).buildClustered()
        .onFailure(started::fail)
        .onSuccess(vertx -> {
          LOG.log(Level.INFO, "joined the cluster as {0} ({1} members: {2}; quorum {3})", cluster.host(),
              manager.getNodes().size(), cluster.members(), cluster.quorum());
          RoutingAgreement agreement = new RoutingAgreement(vertx, manager.getNodeId(), cluster.host(), conf,
              manager::getNodes);
          agreement.join(conf.getBoolean(ConfigKeys.CLUSTER_ROLLING))
              .onFailure(err -> leave(vertx, err, started))
              .onSuccess(state -> {
                try {
                  Deployment node = new Deployment(vertx, true, registry, accessFormat(conf), tracing);
                  node.routing = agreement;
                  node.deploy(conf, roles, manager, cluster.quorum()).map(node).onComplete(started);
                } catch (RuntimeException e) {
                  // a setting checked as the roles deploy: the start fails, as it would have before joining
                  leave(vertx, e, started);
                }
              });
        });
    return started.future();
  }

  /**
   * A node that cannot start (refused at join, or a setting its roles refuse) leaves the cluster first: its start
   * fails once it left, so that the process exits out of the cluster.
   */
  private static void leave(Vertx vertx, Throwable why, Promise<Deployment> started) {
    vertx.close().onComplete(closed -> {
      if (closed.failed()) {
        LOG.log(Level.WARNING, "leaving the cluster failed: {0}", closed.cause().toString());
      }
      started.tryFail(why);
    });
  }

  /**
   * The transport {@code name} says; a native one this machine lacks falls back to NIO, with a warning. Vert.x 5.0's
   * io_uring transport has no Unix domain sockets, which the Docker backend talks to its engine over: epoll then.
   */
  private static Transport transport(String name, boolean unixSockets) {
    Transport transport = switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "nio" -> Transport.NIO;
      case "epoll" -> Transport.EPOLL;
      case "io_uring", "iouring" -> Transport.IO_URING;
      default -> throw new IllegalArgumentException("unknown transport '" + name + "'; choose nio, epoll or io_uring");
    };
    if (transport == Transport.IO_URING && unixSockets) {
      LOG.log(Level.INFO, "transport io_uring has no Unix sockets, which the Docker backend needs; using epoll");
      transport = Transport.EPOLL;
    }
    if (transport == null || !transport.available()) {
      LOG.log(Level.WARNING, "transport {0} is not available here ({1}); using nio", name,
          transport == null ? "not on the class path" : String.valueOf(transport.unavailabilityCause()));
      return Transport.NIO;
    }
    return transport;
  }

  /** The admin listener first (so that it sees the first replicas start), then the manager, then the balancers. */
  private Future<Void> deploy(JsonObject conf, Set<Roles> roles, HazelcastClusterManager cluster, int needed) {
    DeploymentOptions options = new DeploymentOptions().setConfig(conf);
    ClusterAuthority authority = cluster == null ? null
        : new ClusterAuthority(vertx, cluster.getHazelcastInstance(), needed);
    Future<String> quorum = authority == null ? Future.succeededFuture() : vertx.deployVerticle(new QuorumVerticle(authority))
        .compose(id -> vertx.deployVerticle(new RoutingAgreementVerticle(routing, registry)));
    Future<String> admin = quorum.compose(q -> vertx.deployVerticle(new AdminVerticle(AdminSettings.from(conf), registry,
        proxyMetrics, systemMetrics)));
    Future<String> managing;
    if (!roles.contains(Roles.MANAGER)) {
      if (!clustered) {
        LOG.log(Level.WARNING, "roles {0} without manager and without a cluster: no replica will be started", roles);
      }
      managing = admin;
    } else if (clustered) {
      managing = admin.compose(id -> vertx.deployVerticle(new ManagerElection(cluster, authority), options));
    } else {
      managing = admin.compose(id -> vertx.deployVerticle(new ReplicaManagerVerticle(ManagerSettings.alone(conf),
              ReplicaBackends.configured(conf), Authority.ALONE)))
          .onSuccess(id -> manager = id)
          .compose(id -> vertx.deployVerticle(new HeartbeatVerticle(HeartbeatSettings.from(conf), 1)));
    }
    if (!roles.contains(Roles.BALANCER)) {
      return managing.mapEmpty();
    }
    // the settings, not the configuration: see BalancerSettings
    BalancerSettings settings = BalancerSettings.from(conf);
    // one set of certificates, watched once, for every instance on the port
    CertificateWatcher certificates;
    try {
      certificates = settings.tls().enabled() ? new CertificateWatcher(settings.tls()) : null;
    } catch (RuntimeException e) {
      return managing.transform(ar -> Future.failedFuture(e));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int instances = balancerInstances(conf.getInteger(ConfigKeys.BALANCER_INSTANCES), cores, settings.tls().enabled());
    DeploymentOptions balancers = new DeploymentOptions().setInstances(instances);
    Telemetry telemetry = new Telemetry(proxyMetrics, systemMetrics, accessLog, tracing);
    return managing.compose(id -> vertx.deployVerticle(OutlierVerticle.of(conf, proxyMetrics)))
        .compose(id -> vertx.deployVerticle(() -> new BalancerVerticle(settings.sharedBy(instances), telemetry,
            certificates), balancers))
        .onSuccess(id -> this.balancers = id).mapEmpty();
  }

  /**
   * Balancer instances, each an event loop serving the port: as configured, or for {@code 0} one per two cores (at
   * least one) for the byte relay, whose loops leave the other half to the kernel's TCP work and to the replicas on
   * the same machine (on the 2-core bench machine one loop relayed a request for 21 µs of CPU, two loops for 28 µs:
   * README, "Performance"); with TLS, one per core, since handshakes are CPU work that more loops spread.
   */
  static int balancerInstances(int configured, int cores, boolean tls) {
    return configured > 0 ? configured : tls ? cores : Math.max(1, cores / 2);
  }

  /**
   * Stops the node: first its balancers, which stop taking connections and let the requests under way end; then,
   * in a cluster, hands the replicas to another manager candidate (or stops them, if this node was the last one);
   * then closes Vert.x, which stops what is left. Blocks, so call it from a thread of one's own (a shutdown hook, a
   * test): a future of this Vert.x could not complete once it is closed.
   */
  public void stop(long timeout, TimeUnit unit) throws TimeoutException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (balancers != null) {
      try {
        vertx.undeploy(balancers).await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "the balancers did not stop cleanly: {0}", e.getMessage());
      }
    }
    if (manager != null) {
      // before the rest, so that what it says of the replicas it stops is still heard
      try {
        vertx.undeploy(manager).await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "the replica manager did not stop cleanly: {0}", e.getMessage());
      }
    }
    if (clustered) {
      try {
        vertx.eventBus().request(Addresses.NODE_LEAVING, new JsonObject(), ReplicaMessages.within(LEAVE_TIMEOUT_MS))
            .await(LEAVE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (RuntimeException | TimeoutException e) {
        LOG.log(Level.WARNING, "leaving the cluster without a handover: {0}", e.getMessage());
      }
    }
    try {
      vertx.close().await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } finally {
      // the spans of the last requests go out
      tracing.close();
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Anyone who reaches a balancer listening beyond loopback can change its replicas unless a token is set. */
  private static void warnIfAdminIsOpen(JsonObject conf, Set<Roles> roles) {
    String host = conf.getString(ConfigKeys.HTTP_HOST);
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    String backend = conf.getString(ConfigKeys.BACKEND);
    // with replicas someone else runs, /add and /rm change nothing (405) whoever asks
    boolean external = ReplicaBackends.STATIC.equals(backend) || ReplicaBackends.DNS.equals(backend);
    if (roles.contains(Roles.BALANCER) && conf.getString(ConfigKeys.ADMIN_TOKEN).isEmpty() && !loopback && !external) {
      LOG.log(Level.WARNING, "/add and /rm are open to anyone who can reach {0}:{1,number,#}; set "
          + "LB_ADMIN_TOKEN to require a bearer token, or LB_HOST=127.0.0.1", host, conf.getInteger(ConfigKeys.HTTP_PORT));
    }
  }
}
