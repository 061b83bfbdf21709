package dev.lb.launcher;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

/**
 * Whether the JVM was given a heap ceiling of its own. Without one it takes a quarter of the machine's (or the
 * container's) memory as its ceiling, and since every relayed chunk becomes young garbage, its heap grows towards it
 * instead of being collected: {@code bin/load-balancer} sets one, a bare {@code java -jar} does not.
 */
final class HeapCeiling {

  private static final List<String> SIZING = List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAMPercentage=",
      "-XX:MaxRAM=", "-XX:MaxRAMFraction=");

  private HeapCeiling() {}

  /** This JVM's ceiling in MiB. */
  static long mib() {
    return Runtime.getRuntime().maxMemory() >> 20;
  }

  /** A warning for a JVM started without a ceiling, given its options and its ceiling; none if it has one. */
  static Optional<String> warning(List<String> jvmOptions, long ceilingMiB) {
    if (jvmOptions.stream().anyMatch(o -> SIZING.stream().anyMatch(o::startsWith))) {
      return Optional.empty();
    }
    return Optional.of("no heap ceiling was given: this JVM may grow its heap to " + ceilingMiB + " MiB (a quarter of"
        + " the machine's memory) under load; bin/load-balancer starts it with -Xmx128m (README, \"Memory\"), or set"
        + " JAVA_TOOL_OPTIONS=-Xmx128m");
  }

  /** The warning for this JVM, if any. */
  static Optional<String> warning() {
    return warning(ManagementFactory.getRuntimeMXBean().getInputArguments(), mib());
  }
}
