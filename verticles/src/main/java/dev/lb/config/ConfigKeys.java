package dev.lb.config;

/**
 * The configuration keys, as they appear in {@code conf/config.json} and in each verticle's {@code config()}.
 * Defaults live in that file; {@link Settings} maps environment variables onto these keys.
 */
public final class ConfigKeys {

  private ConfigKeys() {}

  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  /** Largest request head (all headers), in bytes; more is answered 431. */
  public static final String HTTP_MAX_HEADER_SIZE = "http.max.header.size";
  /** Longest request line (method, URI, version), in bytes; more is answered 414. */
  public static final String HTTP_MAX_INITIAL_LINE = "http.max.initial.line";
  /** Seconds a client connection may stay idle before the balancer closes it. */
  public static final String HTTP_IDLE_TIMEOUT_S = "http.idle.timeout.s";
  /**
   * How long a client may take to send a request's head (and a body small enough to be kept for a retry) once the
   * balancer started reading it, in ms: then 408 and the connection closed, so that a client trickling a head byte by
   * byte, which the idle timeout never ends, holds no connection; 0: no bound but the idle timeout. Applies on the
   * byte relay's plain HTTP port; with TLS (or HTTPS to the replicas) the HTTP stack serves, and only the idle timeout
   * bounds a slow head there.
   */
  public static final String HTTP_HEADER_TIMEOUT_MS = "http.header.timeout.ms";
  /** The admin listener's port ({@code /metrics}, {@code /health}, {@code /dashboard}); 0: one the system picks. */
  public static final String ADMIN_PORT = "admin.port";
  /** The admin listener's address; loopback by default, since it can change replicas. */
  public static final String ADMIN_HOST = "admin.host";
  /** Whether the node keeps metrics (Micrometer, Prometheus format on {@code /metrics}). */
  public static final String METRICS_ENABLED = "metrics.enabled";
  /** {@code text} (one line per record) or {@code json} (one JSON object per line). */
  public static final String LOG_FORMAT = "log.format";
  /** Whether each routed request is logged, in Common Log Format, to standard output. */
  public static final String ACCESS_LOG = "access.log";
  /**
   * The access log's format: {@code common} (the Common Log Format, then the replica and the time taken), {@code
   * combined} (Apache's, with Referer and User-Agent, then the same two) or {@code json} (one object per line: the
   * tries, the key and its slot, the bytes each way, how the request ended).
   */
  public static final String ACCESS_LOG_FORMAT = "access.log.format";
  /** Bearer token that {@code /add} and {@code /rm} (on both ports) require; empty: none. */
  public static final String ADMIN_TOKEN = "admin.token";
  /**
   * Origins besides the API's own whose browser requests may change the set ({@code /add}, {@code /rm}),
   * comma-separated ({@code https://ops.example.com}); any other {@code Origin}, or {@code Sec-Fetch-Site: cross-site},
   * is refused with 403, token or not. Empty: none.
   */
  public static final String ADMIN_ALLOWED_ORIGINS = "admin.allowed.origins";

  public static final String REPLICAS = "replicas";
  public static final String REPLICAS_MAX = "replicas.max";
  /** {@code process}, {@code docker}, {@code swarm}, {@code inproc}, {@code static} or {@code dns}. */
  public static final String BACKEND = "backend";

  public static final String RING_HASH = "ring.hash";
  public static final String RING_SLOTS = "ring.slots";
  /** Virtual nodes per replica; 0 means log2(slots). */
  public static final String RING_VNODES = "ring.vnodes";
  public static final String RING_PROBING = "ring.probing";
  /** {@code consistent} (the assignment's ring) or {@code maglev}. */
  public static final String RING_ALGORITHM = "ring.algorithm";
  /** Prime size of the Maglev lookup table. */
  public static final String RING_MAGLEV_SIZE = "ring.maglev.size";
  /** c of consistent hashing with bounded loads: a replica over c × the mean in-flight load is skipped; 0: off. */
  public static final String RING_BALANCE_FACTOR = "ring.balance.factor";
  /** What bounded loads count: {@code inflight} (requests in flight) or {@code rate} (requests in the last second). */
  public static final String RING_BALANCE_MEASURE = "ring.balance.measure";
  /**
   * Slow start: a replica added to a running set, or replacing one, takes a share of its keys that grows from a tenth
   * to all of them over this window (a duration: {@code 20s}, {@code 500ms}, {@code 2m}; a plain number is in ms, as
   * HAProxy's {@code slowstart}); the keys it turns away go to their next owner. {@code 0}: off.
   */
  public static final String RING_SLOW_START = "ring.slow.start";
  /** Where a request's key comes from: {@code random}, {@code header:NAME}, {@code query:NAME} or {@code client}. */
  public static final String KEY = "key";

  /**
   * The network transport of Vert.x: {@code io_uring} (Linux, native; falls back to {@code nio} where the kernel or a
   * container's seccomp profile refuses it), {@code epoll} or {@code nio} (the JDK's).
   */
  public static final String TRANSPORT = "transport";
  /** Balancer verticle instances (event loops serving the port); 0: one per two cores, at least one (with TLS one per core). */
  public static final String BALANCER_INSTANCES = "balancer.instances";
  /** The whole time a client request may take, tries included; past it the client gets 504. */
  public static final String PROXY_TIMEOUT_MS = "proxy.timeout.ms";
  /** The time one try may wait for a replica's reply before the next replica is tried. */
  public static final String PROXY_TRY_TIMEOUT_MS = "proxy.try.timeout.ms";
  /** Whether X-Forwarded-For from clients is kept (behind a trusted proxy) or replaced by the client's address. */
  public static final String PROXY_TRUST_FORWARDED = "proxy.trust.forwarded";
  /** Consecutive failed forwards (errors, timeouts, 5xx) that take a replica out of routing. */
  public static final String PROXY_EJECT_AFTER = "proxy.eject.after";
  /** First hold-down of a replica taken out by failed forwards, doubled for each further one (up to 32x). */
  public static final String PROXY_EJECT_MS = "proxy.eject.ms";
  public static final String PROXY_CONNECT_TIMEOUT_MS = "proxy.connect.timeout.ms";
  public static final String PROXY_RETRIES = "proxy.retries";
  /**
   * Retries may add at most this percentage of the requests of the last 10 s (plus 3 a second), so that a failing
   * fleet gets a bounded share more than its clients send; 0: no budget, only {@code proxy.retries} bounds them.
   */
  public static final String PROXY_RETRY_BUDGET_PERCENT = "proxy.retry.budget.percent";
  public static final String PROXY_POOL_SIZE = "proxy.pool.size";
  /**
   * Requests in flight to one replica at most, over the node's balancer event loops together (each has its share);
   * one more waits for a slot in the replica's queue. 0: no cap (only {@code proxy.pool.size} bounds connections).
   */
  public static final String PROXY_MAX_INFLIGHT = "proxy.max.inflight";
  /** Requests that may wait for a slot of a replica at its cap (per event loop); one more is answered 503 at once. */
  public static final String PROXY_MAX_QUEUE = "proxy.max.queue";
  /** How long a request may wait for a slot (a duration, e.g. {@code 2s}; plain number: ms); then 503 with Retry-After. */
  public static final String PROXY_QUEUE_TIMEOUT = "proxy.queue.timeout";
  /** Largest request body forwarded to a replica, in bytes; 0: no limit (bodies stream, whatever their size). */
  public static final String PROXY_BODY_LIMIT = "proxy.body.limit";
  /** An idempotent request's body up to this many bytes is kept, so that the request can be retried after a reset. */
  public static final String PROXY_RETRY_BODY_BYTES = "proxy.retry.body.bytes";
  /** Whether a replica's 404 becomes the assignment's 400 ({@code '<path>' endpoint does not exist ...}). */
  public static final String PROXY_REWRITE_404 = "proxy.rewrite.404";

  public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
  public static final String HEARTBEAT_TIMEOUT_MS = "heartbeat.timeout.ms";
  public static final String HEARTBEAT_FALL = "heartbeat.fall";
  public static final String HEARTBEAT_RISE = "heartbeat.rise";

  public static final String BUS_TIMEOUT_MS = "bus.timeout.ms";

  /** Where process replicas listen; empty: 127.0.0.1, or the node's cluster address when clustered. */
  public static final String REPLICA_HOST = "replica.host";
  public static final String REPLICA_START_TIMEOUT_MS = "replica.start.timeout.ms";
  public static final String REPLICA_JVM_OPTIONS = "replica.jvm.options";
  /** A command line to run as each process replica instead of the built-in server; {@code {port}}, {@code {id}}. */
  public static final String REPLICA_COMMAND = "replica.command";
  /** The path the heartbeat and the readiness wait probe; any 2xx answer counts. */
  public static final String REPLICA_HEALTH_PATH = "replica.health.path";
  /** How long a replica removed by {@code /rm} (or a stopping balancer) waits for the requests under way to end. */
  public static final String REPLICA_DRAIN_MS = "replica.drain.ms";
  /** Clustered: how long a built-in replica runs on without a manager's probe before it exits by itself. */
  public static final String REPLICA_LEASE_MS = "replica.lease.ms";
  /** The {@code static} backend's replicas: {@code host:port} of each, separated by commas. */
  public static final String REPLICA_ADDRESSES = "replica.addresses";

  /** The {@code dns} backend's name, whose addresses (A records, else AAAA) are the replicas. */
  public static final String DNS_NAME = "dns.name";
  /** The port the replicas listed by {@code dns.name} listen on. */
  public static final String DNS_PORT = "dns.port";
  /** How often {@code dns.name} is resolved again, in ms. */
  public static final String DNS_REFRESH_MS = "dns.refresh.ms";


  /** Whether this node joins a Vert.x cluster (Hazelcast). */
  public static final String CLUSTER_ENABLED = "cluster.enabled";
  /** The address this node binds and announces, for Hazelcast and the event bus. */
  public static final String CLUSTER_HOST = "cluster.host";
  /** Comma-separated TCP/IP members to join ({@code host} or {@code host:port}). */
  public static final String CLUSTER_MEMBERS = "cluster.members";
  /** Hazelcast's port; the next free one is taken if it is in use. */
  public static final String CLUSTER_PORT = "cluster.port";
  /** The event bus's port between nodes; 0: one the system picks (fix it to open a firewall for it). */
  public static final String CLUSTER_BUS_PORT = "cluster.bus.port";
  /**
   * How many members a node must see to change the replica set: {@code majority} (of the listed members, this node
   * counted if not listed) or a number.
   */
  public static final String CLUSTER_QUORUM = "cluster.quorum";
  /**
   * Whether this node may join a cluster whose members route with other settings (a rolling change of the ring or the
   * key): it then joins and the difference is reported; otherwise it is refused.
   */
  public static final String CLUSTER_ROLLING = "cluster.rolling";
  /** What this node does: {@code balancer} (serves HTTP), {@code manager} (may run the replica manager). */
  public static final String ROLES = "roles";

  public static final String DOCKER_SOCKET = "docker.socket";
  public static final String DOCKER_IMAGE = "docker.image";
  public static final String DOCKER_NETWORK = "docker.network";
  /** Marks the containers of one balancer (or of balancers sharing one replica set); a restart adopts them. */
  public static final String DOCKER_OWNER = "docker.owner";
  /** How replicas are reached: {@code name} (on the network), {@code ip}, or {@code published} (127.0.0.1 ports). */
  public static final String DOCKER_ADDRESS = "docker.address";
  /** The port the replica's service listens on inside its container. */
  public static final String DOCKER_PORT = "docker.port";
  /** Extra environment of replica containers: {@code NAME=value} pairs separated by commas. */
  public static final String DOCKER_ENV = "docker.env";

  /** PEM certificate chain of the balancer's HTTPS listener (leaf first); empty: no HTTPS (plain HTTP only). */
  public static final String TLS_CERT = "tls.cert";
  /** PEM private key of {@link #TLS_CERT} (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted). */
  public static final String TLS_KEY = "tls.key";
  /** -1: HTTPS on {@code http.port} itself; otherwise HTTPS on this port beside plain HTTP on {@code http.port} (0: one the system picks). */
  public static final String TLS_PORT = "tls.port";
  /** With {@link #TLS_PORT}: plain HTTP answers every request with 308 to the same URL over HTTPS. */
  public static final String TLS_REDIRECT = "tls.redirect";
  /** The TLS versions offered, of {@code TLSv1.2,TLSv1.3} (the default, both). */
  public static final String TLS_PROTOCOLS = "tls.protocols";
  /** Whether HTTP/2 is offered through ALPN beside HTTP/1.1. */
  public static final String TLS_HTTP2 = "tls.http2";
  /** {@code auto} (OpenSSL/BoringSSL through netty-tcnative where it loads, else the JDK's), {@code openssl} or {@code jdk}. */
  public static final String TLS_ENGINE = "tls.engine";
  /** How often the certificate files are checked for a change, in ms; 0: only on SIGHUP. */
  public static final String TLS_RELOAD_MS = "tls.reload.ms";
  /** A folder of further PEM pairs ({@code NAME.crt} or {@code NAME.pem} with {@code NAME.key}) served by SNI name. */
  public static final String TLS_SNI_DIR = "tls.sni.dir";

  /** Whether the balancer, the heartbeat and the readiness probes speak HTTPS to the replicas. */
  public static final String REPLICA_TLS = "replica.tls";
  /** PEM file of the CA certificates replicas' certificates are checked against; empty: the JDK's trusted CAs. */
  public static final String REPLICA_TLS_CA = "replica.tls.ca";
  /** Development only: any certificate a replica shows is accepted. */
  public static final String REPLICA_TLS_TRUST_ALL = "replica.tls.trust.all";
  /** Whether a replica's certificate must name the host (or IP address) it is reached at. */
  public static final String REPLICA_TLS_VERIFY_HOST = "replica.tls.verify.host";
}
