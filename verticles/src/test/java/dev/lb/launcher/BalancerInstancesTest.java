package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many event loops serve the balancer's port: as configured, else one per two cores. */
class BalancerInstancesTest {

  @Test
  void zeroMeansOnePerTwoCoresAndAtLeastOne() {
    assertEquals(1, Deployment.balancerInstances(0, 1));
    assertEquals(1, Deployment.balancerInstances(0, 2));
    assertEquals(1, Deployment.balancerInstances(0, 3));
    assertEquals(4, Deployment.balancerInstances(0, 8));
  }

  @Test
  void aConfiguredNumberIsKept() {
    assertEquals(2, Deployment.balancerInstances(2, 2));
    assertEquals(16, Deployment.balancerInstances(16, 4));
  }
}
