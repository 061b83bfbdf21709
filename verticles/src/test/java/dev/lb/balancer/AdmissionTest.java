package dev.lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Overload protection in plain Java: a cap of tries in flight per replica, a bounded queue in order, its timeout. */
class AdmissionTest {

  /** Timers run by hand, hand-overs queued as the event loop would. */
  private final Map<Long, Runnable> timers = new HashMap<>();
  private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  private final List<String> heard = new ArrayList<>();
  private long nextTimer;
  private int queued;
  private int full;
  private int timedOut;

  private final Admission admission = new Admission(2, 2, 500, new Admission.Timers() {
    @Override
    public long after(long ms, Runnable task) {
      timers.put(++nextTimer, task);
      return nextTimer;
    }

    @Override
    public void cancel(long id) {
      timers.remove(id);
    }
  }, loop::add, new Admission.Meters() {
    @Override
    public void queued() {
      queued++;
    }

    @Override
    public void rejected(boolean timeout) {
      if (timeout) {
        timedOut++;
      } else {
        full++;
      }
    }
  });

  private Admission.Waiter waiter(String name) {
    return new Admission.Waiter() {
      @Override
      public void admitted() {
        heard.add(name + " admitted");
      }

      @Override
      public void refused(boolean timeout) {
        heard.add(name + (timeout ? " timed out" : " refused"));
      }
    };
  }

  private void runLoop() {
    for (Runnable task; (task = loop.poll()) != null; ) {
      task.run();
    }
  }

  @Test
  void triesBeyondTheCapWaitInOrderAndAFullQueueRefusesAtOnce() {
    assertEquals(Admission.Answer.TAKEN, admission.take("A", waiter("a1"), 10_000));
    assertEquals(Admission.Answer.TAKEN, admission.take("A", waiter("a2"), 10_000));
    assertEquals(Admission.Answer.QUEUED, admission.take("A", waiter("a3"), 10_000));
    assertEquals(Admission.Answer.QUEUED, admission.take("A", waiter("a4"), 10_000));
    assertEquals(Admission.Answer.FULL, admission.take("A", waiter("a5"), 10_000));
    assertEquals(Admission.Answer.TAKEN, admission.take("B", waiter("b1"), 10_000), "each replica has its own cap");
    assertEquals(2, queued);
    assertEquals(1, full);

    admission.release("A");
    assertEquals(List.of(), heard, "the slot is handed over on the loop's next turn, not inside the release");
    assertEquals(Admission.Answer.QUEUED, admission.take("A", waiter("late"), 10_000), "the freed slot is held for a3: late waits");
    runLoop();
    assertEquals(List.of("a3 admitted"), heard);
    admission.release("A");
    runLoop();
    admission.release("A");
    runLoop();
    assertEquals(List.of("a3 admitted", "a4 admitted", "late admitted"), heard, "in the order they came");
    assertEquals(2, admission.inFlight("A"));
    assertEquals(0, admission.waiting("A"));
  }

  @Test
  void aWaitThatOutlastsTheQueueTimeoutIsRefusedAndHearsNothingElse() {
    admission.take("A", waiter("a1"), 10_000);
    admission.take("A", waiter("a2"), 10_000);
    admission.take("A", waiter("a3"), 10_000);
    List<Runnable> due = new ArrayList<>(timers.values());
    due.forEach(Runnable::run);
    assertEquals(List.of("a3 timed out"), heard);
    assertEquals(1, timedOut);
    admission.release("A");
    runLoop();
    assertEquals(List.of("a3 timed out"), heard, "nobody waits: the slot is simply free");
    assertEquals(1, admission.inFlight("A"));
    assertEquals(Admission.Answer.TAKEN, admission.take("A", waiter("a4"), 10_000));
  }

  @Test
  void aWaiterThatLeavesIsForgottenAndItsTimerCancelled() {
    admission.take("A", waiter("a1"), 10_000);
    admission.take("A", waiter("a2"), 10_000);
    Admission.Waiter gone = waiter("gone");
    admission.take("A", gone, 10_000);
    admission.take("A", waiter("a4"), 10_000);
    admission.leave("A", gone);
    assertEquals(1, timers.size(), "only a4's timer is left");
    admission.release("A");
    runLoop();
    assertEquals(List.of("a4 admitted"), heard);
  }

  @Test
  void whoWaitsForAReplicaThatLeftIsRefusedToBeTriedElsewhere() {
    admission.take("A", waiter("a1"), 10_000);
    admission.take("A", waiter("a2"), 10_000);
    admission.take("A", waiter("a3"), 10_000);
    admission.left("A");
    assertEquals(List.of("a3 refused"), heard);
    assertEquals(0, timers.size());
  }

  @Test
  void withoutACapEverythingIsTakenAndNothingCounted() {
    Admission none = Admission.none();
    for (int k = 0; k < 1000; k++) {
      assertEquals(Admission.Answer.TAKEN, none.take("A", waiter("x"), 10_000));
    }
    none.release("A");
    assertEquals(0, none.inFlight("A"));
  }
}
