package dev.lb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import dev.lb.bus.ReplicaStore;
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
 * <p>With a quorum above 1, Hazelcast's split-brain protection ({@value #QUORUM}) guards the maps behind the manager's
 * election and fencing: Vert.x's locks and counters, and the recorded replica set. It counts the members heard from
 * within the last {@value #QUORUM_TOLERANCE_MS} ms, so a node cut off from the others knows it has no quorum well
 * before the others declare it dead ({@value #MEMBER_TIMEOUT_S} s) and may elect another manager.
 *
 * <p>When a network split heals, the parts merge within a few seconds: the master of the smaller part finds the other
 * in its next search (every {@value #MERGE_SEARCH_S} s, Hazelcast's {@code SplitBrainHandler}), and a search waits 5 s
 * (a constant of {@code AbstractJoiner}) on every configured address that does not answer, so it tries only the
 * members' own ports; the larger part's master then admits the members at once. With Hazelcast's port scan and its
 * defaults a merge took up to 45 s.
 *
 * @param host    the address this node binds and announces
 * @param members the members to join, {@code host} or {@code host:port}
 * @param port    Hazelcast's port; the next free one is taken if it is in use
 * @param busPort the event bus's port; 0: one the system picks
 * @param quorum  how many members a node must see to change anything: {@code cluster.quorum}, a number or
 *                {@code majority} (more than half of the listed members, this node counted if not listed)
 */
public record ClusterSettings(String host, List<String> members, int port, int busPort, int quorum) {

  /** The name of the split-brain protection that guards the manager's maps. */
  static final String QUORUM = "lb-quorum";
  /** A member counts for the quorum if a heartbeat came from it this recently. */
  static final int QUORUM_TOLERANCE_MS = 2500;
  /** The maps the quorum guards: Vert.x's locks and counters (see HazelcastObjectProviderImpl), the recorded set. */
  static final List<String> GUARDED_MAPS = List.of("__vertx.map.lock", "__vertx.map.counter", ReplicaStore.MAP);

  /** Seconds between Hazelcast's heartbeats. */
  static final int HEARTBEAT_S = 1;
  /** Seconds without a heartbeat after which a member is declared dead and its locks and subscriptions go. */
  static final int MEMBER_TIMEOUT_S = 5;
  /** How often the event bus pings each node it talks to, how long it waits for the answer or for a connection. */
  static final long BUS_PING_MS = 2000;
  /** Seconds between two searches, by the master of each part of a split cluster, for another part to merge with. */
  static final int MERGE_SEARCH_S = 2;

  /**
   * The settings of {@code config}; a host given by name (a container's own, in Compose) is resolved here, and members
   * given by name are replaced by all their addresses ({@link MemberAddresses}).
   */
  public static ClusterSettings from(JsonObject config) {
    String host = config.getString(ConfigKeys.CLUSTER_HOST).trim();
    try {
      host = InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cluster.host '" + host + "' does not resolve to an address of this host", e);
    }
    List<String> members = MemberAddresses.of(Arrays.stream(config.getString(ConfigKeys.CLUSTER_MEMBERS).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList(), host);
    List<String> listed = members.isEmpty() ? List.of("127.0.0.1") : members;
    int port = config.getInteger(ConfigKeys.CLUSTER_PORT);
    return new ClusterSettings(host, listed, port, config.getInteger(ConfigKeys.CLUSTER_BUS_PORT),
        quorum(config.getString(ConfigKeys.CLUSTER_QUORUM), listed, host, port));
  }

  /** {@code spec} ({@code majority} or a number) as a member count. */
  static int quorum(String spec, List<String> members, String host, int port) {
    String given = spec.trim();
    if (given.equalsIgnoreCase("majority")) {
      boolean listed = members.stream().anyMatch(m -> m.equals(host) || m.equals(host + ":" + port));
      long count = members.stream().distinct().count() + (listed ? 0 : 1);
      return (int) (count / 2 + 1);
    }
    try {
      int n = Integer.parseInt(given);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException("cluster.quorum must be 'majority' or a number of members from 1 up, got '" + spec
        + "'");
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
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_SEARCH_S));
    // the master of the larger part admits the other part's members at once instead of batching joins for 5 s
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    if (!loopback()) {
      // a member given without a port is looked for on Hazelcast's port only, not on the two after it: the search for
      // another part waits 5 s on every address that does not answer, and on separate hosts nothing listens there
      config.setProperty("hazelcast.tcp.join.port.try.count", "1");
    }
    config.setProperty("hazelcast.phone.home.enabled", "false");
    if (quorum > 1) {
      config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
          .newRecentlyActiveSplitBrainProtectionConfigBuilder(QUORUM, quorum, QUORUM_TOLERANCE_MS).build());
      GUARDED_MAPS.forEach(map -> config.getMapConfig(map).setSplitBrainProtectionName(QUORUM));
    }
    config.setProperty("hazelcast.logging.type", "jdk");
    return config;
  }

  /** Whether this node binds a loopback address: then all nodes run on this machine, on consecutive ports. */
  private boolean loopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Vert.x options whose event bus binds and announces this node's address, on {@code busPort}. A connection to another
   * node that has not answered a ping for {@value #BUS_PING_MS} ms is closed, and one that takes longer than that to
   * open is given up (Vert.x's defaults: 20 s and 60 s): messages sent during a partition wait on a connection that
   * TCP's back-off keeps retrying, so after the heal they went through only up to 10 s later (measured with
   * {@code PartitionIT}); now a new connection is made at once.
   */
  public VertxOptions vertxOptions(VertxOptions options) {
    options.getEventBusOptions().setHost(host).setClusterPublicHost(host).setPort(busPort)
        .setClusterPingInterval(BUS_PING_MS).setClusterPingReplyInterval(BUS_PING_MS).setConnectTimeout((int) BUS_PING_MS);
    return options;
  }
}
