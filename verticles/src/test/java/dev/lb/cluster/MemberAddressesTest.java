package dev.lb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Members given by name as every address of the name (Swarm's {@code tasks.<service>}). */
class MemberAddressesTest {

  private static final Map<String, List<String>> DNS = Map.of(
      "tasks.lb", List.of("10.0.4.3", "10.0.4.4"),
      "lb1", List.of("172.18.0.3"));

  private static List<String> lookup(String name) throws UnknownHostException {
    List<String> found = DNS.get(name);
    if (found == null) {
      throw new UnknownHostException(name);
    }
    return found;
  }

  @Test
  void aNameStandsForEachOfItsAddressesWithItsPort() {
    assertEquals(List.of("10.0.4.3", "10.0.4.4"), MemberAddresses.of(List.of("tasks.lb"), "10.0.4.3",
        MemberAddressesTest::lookup));
    assertEquals(List.of("10.0.4.3:5701", "10.0.4.4:5701", "172.18.0.3"),
        MemberAddresses.of(List.of("tasks.lb:5701", "lb1", "10.0.4.3:5701"), "10.0.4.3", MemberAddressesTest::lookup),
        "each address once");
  }

  @Test
  void addressesAreKeptAndANameNotResolvingYetIsKeptAsItIs() {
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702"), MemberAddresses.of(List.of("127.0.0.1:5701", "127.0.0.1:5702"),
        "127.0.0.1", name -> {
          throw new AssertionError("an address is not looked up: " + name);
        }));
    assertEquals(List.of("lb2", "172.18.0.3"), MemberAddresses.of(List.of("lb2", "lb1"), "172.18.0.3",
        MemberAddressesTest::lookup));
  }

  @Test
  void aNodeIsAloneWhenTheMembersNameNoOtherNode() {
    assertTrue(MemberAddresses.alone(List.of("10.0.4.3"), "10.0.4.3"));
    assertTrue(MemberAddresses.alone(List.of("10.0.4.3:5701", "lb2"), "10.0.4.3"), "a name that did not resolve");
    assertFalse(MemberAddresses.alone(List.of("10.0.4.3", "10.0.4.4"), "10.0.4.3"));
    assertTrue(MemberAddresses.of(List.of("10.0.4.9"), "10.0.4.3").equals(List.of("10.0.4.9")),
        "addresses only: no lookup and no wait");
  }
}
