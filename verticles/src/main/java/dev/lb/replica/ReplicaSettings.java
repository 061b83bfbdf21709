package dev.lb.replica;

import dev.lb.config.ConfigKeys;
import dev.lb.tls.ReplicaTls;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How replicas are started, reached and watched, read once from the configuration: the command (or image) they run,
 * where they listen, their health path, and whether they live only as long as this process or by a lease.
 *
 * @param host           where process replicas listen and are reached: {@code replica.host}, or if that is empty the
 *                       node's cluster address when clustered, 127.0.0.1 otherwise
 * @param command        the words of {@code replica.command} ({@code {port}}, {@code {id}}, {@code {host}} replaced
 *                       per replica); empty for the built-in server
 * @param healthPath     the path whose 2xx answer means ready and alive
 * @param startTimeoutMs how long a new replica may take to answer its health path
 * @param jvmOptions     JVM options of built-in server replicas
 * @param leaseMs        0 when not clustered: a replica ends with the process that started it; when clustered,
 *                       {@code replica.lease.ms}: replicas outlive the node that started them, and a built-in one
 *                       exits by itself when no manager has probed it for this long
 * @param docker         the Docker backend's settings
 * @param tls            whether the readiness probes speak HTTPS to the replicas
 */
public record ReplicaSettings(String host, List<String> command, String healthPath, long startTimeoutMs,
    List<String> jvmOptions, long leaseMs, Docker docker, ReplicaTls tls) {

  /** Probed over plain HTTP. */
  public ReplicaSettings(String host, List<String> command, String healthPath, long startTimeoutMs,
      List<String> jvmOptions, long leaseMs, Docker docker) {
    this(host, command, healthPath, startTimeoutMs, jvmOptions, leaseMs, docker, ReplicaTls.OFF);
  }

  /** How replicas of the Docker backend are reached: by container name on the network, by IP, or a 127.0.0.1 port. */
  public enum Addressing { NAME, IP, PUBLISHED }

  /**
   * The Docker backend's settings.
   *
   * @param socket     the engine's Unix socket
   * @param image      the image replicas run
   * @param network    the network they join
   * @param owner      the owner label (and container name prefix) of this balancer's (or cluster's) replicas
   * @param addressing how they are reached
   * @param port       the port the service listens on inside the container
   * @param env        extra {@code NAME=value} environment of each container
   */
  public record Docker(String socket, String image, String network, String owner, Addressing addressing, int port,
      List<String> env) { }

  public static ReplicaSettings from(JsonObject config) {
    String healthPath = config.getString(ConfigKeys.REPLICA_HEALTH_PATH);
    if (!healthPath.startsWith("/")) {
      throw new IllegalArgumentException("replica.health.path must start with '/', got '" + healthPath + "'");
    }
    boolean clustered = config.getBoolean(ConfigKeys.CLUSTER_ENABLED);
    String host = config.getString(ConfigKeys.REPLICA_HOST);
    if (host.isBlank()) {
      host = clustered ? config.getString(ConfigKeys.CLUSTER_HOST) : "127.0.0.1";
    }
    return new ReplicaSettings(host,
        CommandWords.split(config.getString(ConfigKeys.REPLICA_COMMAND)), healthPath,
        config.getLong(ConfigKeys.REPLICA_START_TIMEOUT_MS),
        CommandWords.split(config.getString(ConfigKeys.REPLICA_JVM_OPTIONS)),
        clustered ? Math.max(1, config.getLong(ConfigKeys.REPLICA_LEASE_MS)) : 0, docker(config), ReplicaTls.from(config));
  }

  private static Docker docker(JsonObject config) {
    String addressing = config.getString(ConfigKeys.DOCKER_ADDRESS);
    Addressing mode;
    try {
      mode = Addressing.valueOf(addressing.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown docker.address '" + addressing + "'; choose name, ip or published", e);
    }
    List<String> env = Arrays.stream(config.getString(ConfigKeys.DOCKER_ENV).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    env.stream().filter(e -> e.indexOf('=') <= 0).findFirst().ifPresent(e -> {
      throw new IllegalArgumentException("docker.env takes NAME=value pairs separated by commas; got '" + e + "'");
    });
    return new Docker(config.getString(ConfigKeys.DOCKER_SOCKET),
        config.getString(ConfigKeys.DOCKER_IMAGE), config.getString(ConfigKeys.DOCKER_NETWORK),
        ReplicaNames.safe(config.getString(ConfigKeys.DOCKER_OWNER)), mode,
        config.getInteger(ConfigKeys.DOCKER_PORT), env);
  }

  /** Whether replicas run the built-in server (and so honour its lease and its {@code /heartbeat}). */
  public boolean builtIn() {
    return command.isEmpty();
  }

  /** Whether replicas outlive the process that started them, held by a lease. */
  public boolean leased() {
    return leaseMs > 0;
  }
}
