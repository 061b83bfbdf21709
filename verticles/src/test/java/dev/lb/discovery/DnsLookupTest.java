package dev.lb.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.replica.Discovery.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.core.VertxException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DNS look-up against a scripted resolver: the addresses in one order, once each, and failures that say why. */
class DnsLookupTest {

  @Test
  void listsEachAddressOnceInTextOrderOnThePort() {
    DnsLookup lookup = new DnsLookup("replica", 8080,
        name -> Future.succeededFuture(List.of("10.0.0.3", "10.0.0.1", "10.0.0.3", "10.0.0.2")));
    assertEquals(List.of(new Endpoint("10.0.0.1", 8080), new Endpoint("10.0.0.2", 8080), new Endpoint("10.0.0.3", 8080)),
        lookup.look().result());
  }

  @Test
  void aNameThatDoesNotResolveSaysSo() {
    DnsLookup lookup = new DnsLookup("replica", 8080, name -> Future.failedFuture(new DnsException(DnsResponseCode.NXDOMAIN)));
    Future<List<Endpoint>> look = lookup.look();
    assertTrue(look.failed());
    assertEquals("'replica' does not resolve (NXDOMAIN)", look.cause().getMessage());
  }

  @Test
  void aResolverThatDoesNotAnswerSaysSo() {
    DnsLookup lookup = new DnsLookup("replica", 8080, name -> Future.failedFuture(new VertxException("DNS query timeout")));
    assertEquals("'replica' could not be resolved: DNS query timeout", lookup.look().cause().getMessage());
  }

  @Test
  void anIpv6AddressIsNamedInBrackets() {
    DnsLookup lookup = new DnsLookup("replica", 8080, name -> Future.succeededFuture(List.of("fd00::5")));
    assertEquals("[fd00::5]:8080", lookup.look().result().get(0).toString());
    assertEquals(new Endpoint("fd00::5", 8080), Endpoint.parse("[fd00::5]:8080"));
  }
}
