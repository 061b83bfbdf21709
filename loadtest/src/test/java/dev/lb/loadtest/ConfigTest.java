package dev.lb.loadtest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lb.loadtest.process.Balancer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every configuration an experiment compares is one the balancer would really run. */
class ConfigTest {

  @Test
  void everySettingAnExperimentGivesIsOneTheBalancerReads() {
    Config.ALL.forEach(config -> assertDoesNotThrow(() -> Balancer.checkSettings(config.env()), config.name()));
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> Balancer.checkSettings(Map.of("LB_HASH", "murmur3", "LB_BALANCE_FACTR", "1.1")));
    assertEquals("LB_BALANCE_FACTR is not a setting of the balancer; see dev.lb.config.Settings", typo.getMessage());
  }
}
