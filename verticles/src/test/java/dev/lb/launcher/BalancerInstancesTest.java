package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many event loops serve the balancer's port: as configured, else one per two cores (one per core with TLS). */
class BalancerInstancesTest {

  @Test
  void zeroMeansOnePerTwoCoresAndAtLeastOneForTheRelay() {
    assertEquals(1, Deployment.balancerInstances(0, 1, false));
    assertEquals(1, Deployment.balancerInstances(0, 2, false));
    assertEquals(1, Deployment.balancerInstances(0, 3, false));
    assertEquals(4, Deployment.balancerInstances(0, 8, false));
  }

  @Test
  void zeroMeansOnePerCoreWithTls() {
    assertEquals(1, Deployment.balancerInstances(0, 1, true));
    assertEquals(2, Deployment.balancerInstances(0, 2, true));
    assertEquals(8, Deployment.balancerInstances(0, 8, true));
  }

  @Test
  void aConfiguredNumberIsKept() {
    assertEquals(2, Deployment.balancerInstances(2, 2, false));
    assertEquals(16, Deployment.balancerInstances(16, 4, true));
  }
}
