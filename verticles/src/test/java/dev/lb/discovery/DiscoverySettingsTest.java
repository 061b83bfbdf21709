package dev.lb.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.replica.Discovery.Endpoint;
import dev.lb.replica.ReplicaBackends;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of the static and dns backends: what is accepted, and the start-up error for what is not. */
class DiscoverySettingsTest {

  private static String refused(Map<String, String> env) {
    JsonObject config = Settings.load(null, env);
    return assertThrows(IllegalArgumentException.class, () -> ReplicaBackends.configured(config)).getMessage();
  }

  @Test
  void staticAddressesAreReadInOrder() {
    assertEquals(List.of(new Endpoint("10.0.0.1", 5000), new Endpoint("app.internal", 80), new Endpoint("::1", 9000)),
        DiscoverySettings.addresses(" 10.0.0.1:5000, app.internal:80 ,[::1]:9000,"));
  }

  @Test
  void staticTakesTheCountOfItsAddressesAndRefusesAnLbReplicasThatContradictsIt() {
    ReplicaBackends.configured(Settings.load(null, Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", "a:1,b:2")));
    ReplicaBackends.configured(Settings.load(null, Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", "a:1,b:2",
        "LB_REPLICAS", "2")));
    assertEquals("LB_REPLICAS is 4 but LB_REPLICA_ADDRESSES lists 2 replicas: with the static backend the replicas are "
        + "the addresses listed; leave LB_REPLICAS unset or make it 2",
        refused(Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", "a:1,b:2", "LB_REPLICAS", "4")));
  }

  @Test
  void badStaticAddressesAreRefusedWithWhatIsWrong() {
    assertEquals("the static backend needs LB_REPLICA_ADDRESSES: host:port of each replica, separated by commas",
        refused(Map.of("LB_BACKEND", "static")));
    assertEquals("LB_REPLICA_ADDRESSES: 'a' is not host:port", refused(Map.of("LB_BACKEND", "static",
        "LB_REPLICA_ADDRESSES", "a")));
    assertEquals("LB_REPLICA_ADDRESSES: 'a:70000' is not host:port with a port from 1 to 65535",
        refused(Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", "a:70000")));
    assertEquals("LB_REPLICA_ADDRESSES: 'a:x' has no port number after its last ':'",
        refused(Map.of("LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", "a:x")));
    assertEquals("LB_REPLICA_ADDRESSES lists a:1 twice", refused(Map.of("LB_BACKEND", "static",
        "LB_REPLICA_ADDRESSES", "a:1, a:1", "LB_REPLICAS", "2")));
    assertEquals("LB_REPLICA_ADDRESSES lists 3 replicas; the most is LB_MAX_REPLICAS (2)", refused(Map.of(
        "LB_BACKEND", "static", "LB_REPLICA_ADDRESSES", "a:1,b:1,c:1", "LB_MAX_REPLICAS", "2")));
  }

  @Test
  void dnsNeedsAName() {
    ReplicaBackends.configured(Settings.load(null, Map.of("LB_BACKEND", "dns", "LB_DNS_NAME", "tasks.replica")));
    assertEquals("the dns backend needs LB_DNS_NAME: the name that lists the replicas (a Compose service, Swarm's "
        + "tasks.<service>, a Kubernetes headless service by its full name: my-svc.my-namespace.svc.cluster.local; no "
        + "search domain is applied)", refused(Map.of("LB_BACKEND", "dns")));
    assertEquals("LB_DNS_NAME 'no such name' is not a DNS name", refused(Map.of("LB_BACKEND", "dns",
        "LB_DNS_NAME", "no such name")));
    assertEquals("LB_DNS_PORT must be from 1 to 65535, got 0", refused(Map.of("LB_BACKEND", "dns",
        "LB_DNS_NAME", "replica", "LB_DNS_PORT", "0")));
    assertEquals("LB_DNS_REFRESH_MS must be at least 100, got 10", refused(Map.of("LB_BACKEND", "dns",
        "LB_DNS_NAME", "replica", "LB_DNS_REFRESH_MS", "10")));
  }

  @Test
  void theNewBackendsAreNamedInTheConfiguration() {
    assertTrue(ReplicaBackends.NAMES.containsAll(List.of("static", "dns")), "backends: " + ReplicaBackends.NAMES);
    assertEquals("", Settings.defaults().getString(ConfigKeys.REPLICA_ADDRESSES));
  }
}
