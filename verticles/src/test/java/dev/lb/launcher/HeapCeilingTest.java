package dev.lb.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapCeilingTest {

  @Test
  void aJvmWithoutACeilingIsToldWhatItMayTake() {
    Optional<String> warning = HeapCeiling.warning(List.of("-XX:+UseG1GC", "-Dfile.encoding=UTF-8"), 6144);
    assertTrue(warning.orElseThrow().contains("6144 MiB"), warning.get());
    assertTrue(warning.get().contains("bin/load-balancer"), warning.get());
  }

  @Test
  void anyWayOfSettingTheCeilingCounts() {
    for (String option : List.of("-Xmx64m", "-XX:MaxHeapSize=67108864", "-XX:MaxRAMPercentage=10.0", "-XX:MaxRAM=1g")) {
      assertEquals(Optional.empty(), HeapCeiling.warning(List.of("-XX:+UseSerialGC", option), 64), option);
    }
  }
}
