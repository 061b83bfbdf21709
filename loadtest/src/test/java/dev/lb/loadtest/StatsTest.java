package dev.lb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void aReplicaThatGotNothingCountsAsZero() {
    Stats s = Stats.of(Map.of("A", 600L, "B", 400L), List.of("A", "B", "C"));
    assertEquals(3, s.replicas());
    assertEquals(1000 / 3.0, s.mean(), 1e-9);
    assertEquals(0, s.min());
    assertEquals(600, s.max());
    assertEquals(1.8, s.maxOverMean(), 1e-9);
    assertEquals(Math.sqrt(((600 - 1000 / 3.0) * (600 - 1000 / 3.0) + (400 - 1000 / 3.0) * (400 - 1000 / 3.0)
        + (1000 / 3.0) * (1000 / 3.0)) / 3), s.std(), 1e-9);
  }
}
