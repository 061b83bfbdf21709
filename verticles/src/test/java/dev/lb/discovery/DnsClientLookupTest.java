package dev.lb.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.replica.Discovery.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.transport.Transport;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link DnsLookup} over Vert.x's real DNS client, against a DNS server of the test's own on 127.0.0.1 that gives
 * 600 s TTLs: every look-up asks again (a change is seen at the next look, whatever the TTL), A records first, AAAA
 * when there are none, and NXDOMAIN said as such. On io_uring too when this machine has it, the transport a balancer
 * takes by default.
 */
class DnsClientLookupTest {

  private static void check(Transport transport) throws Exception {
    Vertx vertx = Vertx.builder().withTransport(transport).build();
    try (FakeDns dns = new FakeDns()) {
      DnsLookup lookup = DnsLookup.of(vertx, "replica", 5000,
          new DnsClientOptions().setHost("127.0.0.1").setPort(dns.port()).setQueryTimeout(2000));
      dns.set("replica", List.of(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1")));
      assertEquals(List.of(new Endpoint("10.0.0.1", 5000), new Endpoint("10.0.0.2", 5000)), look(lookup));
      int asked = dns.questions();
      dns.set("replica", List.of(InetAddress.getByName("10.0.0.3")));
      assertEquals(List.of(new Endpoint("10.0.0.3", 5000)), look(lookup), "asked again, not cached for its TTL");
      assertTrue(dns.questions() > asked, "the server was asked again");
      dns.set("replica", List.of(InetAddress.getByName("fd00::7")));
      assertEquals(List.of(new Endpoint("fd00:0:0:0:0:0:0:7", 5000)), look(lookup), "AAAA when there is no A record");
      dns.remove("replica");
      Future<List<Endpoint>> gone = lookup.look();
      gone.transform(ar -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
      assertTrue(gone.failed(), "a name that does not resolve is not listed");
      assertEquals("'replica' does not resolve (NXDOMAIN)", gone.cause().getMessage());
      lookup.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static List<Endpoint> look(DnsLookup lookup) throws Exception {
    return lookup.look().await(10, TimeUnit.SECONDS);
  }

  @Test
  void overNio() throws Exception {
    check(Transport.NIO);
  }

  @Test
  void overIoUringWhereThisMachineHasIt() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Transport.IO_URING != null && Transport.IO_URING.available(),
        "io_uring is not available here");
    check(Transport.IO_URING);
  }
}
