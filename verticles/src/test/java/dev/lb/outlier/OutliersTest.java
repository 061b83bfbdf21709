package dev.lb.outlier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Passive outlier detection with times given by the test: thresholds, hold-downs that double, and forgetting. */
class OutliersTest {

  private static final long MS = 1_000_000;
  private final Outliers outliers = new Outliers(3, 500);

  @Test
  void aReplicaIsEjectedAfterTheThresholdOfFailuresInARowAndASuccessStartsTheCountAgain() {
    long t = 1_000 * MS;
    assertEquals(0, outliers.failed("S1", false, t));
    assertTrue(outliers.watched("S1"), "failures in a row are watched: successes must be reported");
    assertEquals(0, outliers.failed("S1", false, t));
    assertTrue(outliers.succeeded("S1"), "a success ends the watch");
    assertFalse(outliers.watched("S1"));
    assertEquals(0, outliers.failed("S1", false, t));
    assertEquals(0, outliers.failed("S1", false, t));
    assertEquals(t + 500 * MS, outliers.failed("S1", false, t), "the third in a row ejects for the base hold-down");
    assertFalse(outliers.watched("S1"));
    assertFalse(outliers.succeeded("S2"), "a replica never watched");
  }

  @Test
  void holdDownsDoubleForEjectionsCloseTogetherUpTo32TimesAndStartOverAfterAMinute() {
    long t = 1_000 * MS;
    long[] holds = new long[7];
    for (int k = 0; k < holds.length; k++) {
      long until = outliers.failed("S1", true, t);
      holds[k] = (until - t) / MS;
      t = until + MS;
    }
    assertEquals("[500, 1000, 2000, 4000, 8000, 16000, 16000]", java.util.Arrays.toString(holds));
    t += Outliers.MEMORY_NANOS + MS;
    assertEquals(t + 500 * MS, outliers.failed("S1", true, t), "a minute later it starts again from the base");
  }

  @Test
  void failuresWhileHeldOutDoNotEjectAgainAndCertainOnesEjectAtOnce() {
    long t = 1_000 * MS;
    long until = outliers.failed("S1", true, t);
    assertEquals(t + 500 * MS, until, "nothing answers at all: ejected at the first failure");
    assertEquals(0, outliers.failed("S1", true, t + 100 * MS), "still held out: no new ejection");
  }

  @Test
  void replicasThatLeftTheSetAreForgotten() {
    long t = 1_000 * MS;
    outliers.failed("S1", false, t);
    outliers.failed("S2", false, t);
    outliers.forget(Set.of("S2"));
    assertFalse(outliers.watched("S1"));
    assertTrue(outliers.watched("S2"));
  }
}
