package dev.lb.cluster;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopDnsCache;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The members of {@code cluster.members} as addresses. A member given by name stands for every address the name has:
 * Swarm's {@code tasks.<service>} lists every task of a service, so the balancers of one service find each other by
 * that one name. Hazelcast itself would keep only the addresses of a name that are this node's own (it matches them
 * to the bound interface), so the names are resolved here, to their IPv4 addresses (as {@code cluster.host}): an
 * address nobody answers on would cost the search for a split cluster's other part 5 s each time.
 *
 * <p>Nodes started together may look each other up before the other is listed: if the names resolve to nothing but
 * this node, they are looked up again, past the JVM's cache, every {@value #RETRY_MS} ms for up to {@value #WAIT_MS}
 * ms. A node started later finds those already listed, so two nodes never both start alone.
 */
final class MemberAddresses {

  /** Resolves a host name to its addresses. */
  interface Lookup {
    List<String> addresses(String name) throws UnknownHostException;
  }

  private static final System.Logger LOG = System.getLogger(MemberAddresses.class.getName());
  static final long WAIT_MS = 5000;
  static final long RETRY_MS = 250;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private MemberAddresses() {}

  /** {@code members} ({@code host} or {@code host:port}) as addresses, looked up as the class says. */
  static List<String> of(List<String> members, String self) {
    List<String> found = of(members, self, MemberAddresses::jvmLookup);
    if (!alone(found, self) || members.stream().allMatch(m -> IPV4.matcher(host(m)).matches())) {
      return found;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    try (Uncached lookup = new Uncached()) {
      while (alone(found, self) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        found = of(members, self, lookup);
      }
    }
    if (alone(found, self)) {
      LOG.log(Level.WARNING, "the cluster members {0} name no other node yet; this node starts alone, and others that "
          + "start later join it", members);
    }
    return found;
  }

  /** {@code members} with each name replaced by its addresses; a name that does not resolve is kept as it is. */
  static List<String> of(List<String> members, String self, Lookup lookup) {
    Set<String> out = new LinkedHashSet<>();
    for (String member : members) {
      String host = host(member);
      String port = member.substring(host.length());
      if (IPV4.matcher(host).matches()) {
        out.add(member);
        continue;
      }
      try {
        lookup.addresses(host).forEach(address -> out.add(address + port));
      } catch (UnknownHostException e) {
        out.add(member);
      }
    }
    return new ArrayList<>(out);
  }

  /** Whether {@code found} names no node but {@code self} (a name that did not resolve names none). */
  static boolean alone(List<String> found, String self) {
    return found.stream().map(MemberAddresses::host).allMatch(h -> h.equals(self) || !IPV4.matcher(h).matches());
  }

  private static String host(String member) {
    int colon = member.lastIndexOf(':');
    return colon < 0 ? member : member.substring(0, colon);
  }

  private static List<String> jvmLookup(String name) throws UnknownHostException {
    return Arrays.stream(InetAddress.getAllByName(name)).filter(Inet4Address.class::isInstance)
        .map(InetAddress::getHostAddress).toList();
  }

  /** Netty's DNS resolver (the one Vert.x uses), without a cache, on a thread of its own while the lookups last. */
  private static final class Uncached implements Lookup, AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final DnsNameResolver resolver = new DnsNameResolverBuilder(group.next())
        .datagramChannelType(NioDatagramChannel.class).resolveCache(NoopDnsCache.INSTANCE).build();

    @Override
    public List<String> addresses(String name) throws UnknownHostException {
      try {
        return resolver.resolveAll(name).get(2, TimeUnit.SECONDS).stream().filter(Inet4Address.class::isInstance)
            .map(InetAddress::getHostAddress).toList();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnknownHostException(name + ": interrupted");
      } catch (Exception e) {
        throw new UnknownHostException(name + ": " + e.getMessage());
      }
    }

    @Override
    public void close() {
      resolver.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
