package dev.lb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.lb.config.ConfigKeys;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * A node's place in the cluster, and the Hazelcast configuration made of it: the address the node binds and announces
 * (for Hazelcast and the event bus), the members to join over TCP/IP, and the first port to try. These three are the
 * only knobs; the rest is fixed here: no multicast, no discovery, no phone-home. A member whose process dies is
 * declared dead in under a second (Hazelcast's connection monitor: four refused reconnections, 100 ms apart); one
 * that goes silent (a host or network gone) after {@value #MEMBER_TIMEOUT_S} s without a heartbeat (one every
 * {@value #HEARTBEAT_S} s) instead of Hazelcast's default of 60 s, still far above this system's GC pauses.
 *
 * @param host    the address this node binds and announces
 * @param members the members to join, {@code host} or {@code host:port}
 * @param port    Hazelcast's port; the next free one is taken if it is in use
 * @param busPort the event bus's port; 0: one the system picks
 */
public record ClusterSettings(String host, List<String> members, int port, int busPort) {

  /** Seconds between Hazelcast's heartbeats. */
  static final int HEARTBEAT_S = 1;
  /** Seconds without a heartbeat after which a member is declared dead and its locks and subscriptions go. */
  static final int MEMBER_TIMEOUT_S = 5;

  /** The settings of {@code config}; a host given by name (a container's own, in Compose) is resolved here. */
  public static ClusterSettings from(JsonObject config) {
    List<String> members = Arrays.stream(config.getString(ConfigKeys.CLUSTER_MEMBERS, "127.0.0.1").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).map(ClusterSettings::resolved).toList();
    String host = config.getString(ConfigKeys.CLUSTER_HOST, "127.0.0.1").trim();
    try {
      host = InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cluster.host '" + host + "' does not resolve to an address of this host", e);
    }
    return new ClusterSettings(host, members.isEmpty() ? List.of("127.0.0.1") : members,
        config.getInteger(ConfigKeys.CLUSTER_PORT), config.getInteger(ConfigKeys.CLUSTER_BUS_PORT));
  }

  /**
   * A member given by name as its address ({@code lb2:5701} as {@code 172.18.0.3:5701}): Hazelcast joins members
   * named by host name unreliably. A name that does not resolve yet (a node not started) is kept as it is.
   */
  private static String resolved(String member) {
    int colon = member.lastIndexOf(':');
    String host = colon < 0 ? member : member.substring(0, colon);
    try {
      return InetAddress.getByName(host).getHostAddress() + (colon < 0 ? "" : member.substring(colon));
    } catch (UnknownHostException e) {
      return member;
    }
  }

  /** Vert.x's own Hazelcast configuration (its maps and multimaps), joined and bound as these settings say. */
  public Config hazelcast() {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("customized-lb");
    NetworkConfig network = config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(HEARTBEAT_S));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MEMBER_TIMEOUT_S));
    // two parts of a cluster split by the network (or started apart) merge within seconds instead of minutes
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    return config;
  }

  /** Vert.x options whose event bus binds and announces this node's address, on {@code busPort}. */
  public VertxOptions vertxOptions(VertxOptions options) {
    options.getEventBusOptions().setHost(host).setClusterPublicHost(host).setPort(busPort);
    return options;
  }
}
