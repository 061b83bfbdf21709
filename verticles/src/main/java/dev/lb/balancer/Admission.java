package dev.lb.balancer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Overload protection of one balancer instance: at most {@code cap} tries in flight to each replica (HAProxy's
 * {@code maxconn}), one more waits in the replica's queue, in order, for at most {@code queueTimeoutMs}
 * ({@code timeout queue}), and a queue of {@code maxQueue} refuses the next at once ({@code maxqueue}). A slot is
 * held from {@link #take} to {@link #release}, by each try on its own. A slot freed while requests wait is handed to
 * the first of them, on the event loop's next turn (not inside the try that freed it), and held for it until then.
 * Plain Java, confined to the balancer's event loop; with a cap of 0 it counts nothing and admits everything.
 */
final class Admission {

  private static final System.Logger LOG = System.getLogger(Admission.class.getName());

  /** What a try asking for a slot hears. */
  enum Answer { TAKEN, QUEUED, FULL }

  /** A try waiting for a slot: it hears exactly one of the two, once, unless it {@link #leave left}. */
  interface Waiter {
    /** It holds a slot now. */
    void admitted();

    /** It waited {@code waitedMs} without a slot coming free, or its replica left the set. */
    void refused(boolean timedOut);
  }

  /** Timers of the event loop. */
  interface Timers {
    long after(long ms, Runnable task);

    void cancel(long id);
  }

  /** What admission reports: a request queued, refused for a full queue or for its wait. */
  interface Meters {
    void queued();

    void rejected(boolean timedOut);
  }

  private static final class Queue {
    int inFlight;
    /** Slots handed to waiters whose turn has not come yet. */
    int handed;
    final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  }

  private record Entry(Waiter waiter, long timer) { }

  private final int cap;
  private final int maxQueue;
  private final long queueTimeoutMs;
  private final Timers timers;
  private final Executor later;
  private final Meters meters;
  private final Map<String, Queue> byReplica = new HashMap<>();

  Admission(int cap, int maxQueue, long queueTimeoutMs, Timers timers, Executor later, Meters meters) {
    this.cap = Math.max(0, cap);
    this.maxQueue = Math.max(0, maxQueue);
    this.queueTimeoutMs = Math.max(1, queueTimeoutMs);
    this.timers = timers;
    this.later = later;
    this.meters = meters;
  }

  /** No admission: everything is taken at once. */
  static Admission none() {
    return new Admission(0, 0, 1, null, Runnable::run, null);
  }

  boolean enabled() {
    return cap > 0;
  }

  /** The queue's timeout, for the {@code Retry-After} of a refusal: whole seconds, at least 1. */
  long retryAfterS() {
    return Math.max(1, (queueTimeoutMs + 999) / 1000);
  }

  /**
   * A try asks for a slot of {@code replica}: TAKEN (it holds one: {@link #release} it when the try ends), QUEUED
   * ({@code waiter} hears later, after {@code maxWaitMs} at most, or the queue's timeout if that is shorter) or FULL
   * (refused at once: the queue is full).
   */
  Answer take(String replica, Waiter waiter, long maxWaitMs) {
    if (cap == 0) {
      return Answer.TAKEN;
    }
    Queue q = byReplica.computeIfAbsent(replica, r -> new Queue());
    if (q.inFlight + q.handed < cap && q.waiting.isEmpty()) {
      q.inFlight++;
      return Answer.TAKEN;
    }
    if (q.waiting.size() >= maxQueue) {
      meters.rejected(false);
      return Answer.FULL;
    }
    long waitMs = Math.max(1, Math.min(queueTimeoutMs, maxWaitMs));
    Entry entry = new Entry(waiter, timers.after(waitMs, () -> timedOut(replica, waiter)));
    q.waiting.add(entry);
    meters.queued();
    return Answer.QUEUED;
  }

  /** A try that held a slot of {@code replica} ended: the slot goes to the first waiter, if any. */
  void release(String replica) {
    if (cap == 0) {
      return;
    }
    Queue q = byReplica.get(replica);
    if (q == null || q.inFlight == 0) {
      LOG.log(System.Logger.Level.WARNING, "a slot of replica ''{0}'' was released that no try held", replica);
      return;
    }
    q.inFlight--;
    handOver(replica, q);
  }

  /** A waiter gives up (its client went away): it leaves the queue and hears nothing more. */
  void leave(String replica, Waiter waiter) {
    Queue q = byReplica.get(replica);
    if (q == null) {
      return;
    }
    for (Iterator<Entry> it = q.waiting.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.waiter() == waiter) {
        it.remove();
        timers.cancel(e.timer());
        return;
      }
    }
  }

  /**
   * {@code replica} left the set, or routing (drain, maint): whoever waits for it is refused, to be tried elsewhere;
   * its counts are forgotten once nothing holds a slot of it.
   */
  void left(String replica) {
    Queue q = byReplica.get(replica);
    if (q == null) {
      return;
    }
    for (Entry e; (e = q.waiting.poll()) != null; ) {
      timers.cancel(e.timer());
      e.waiter().refused(false);
    }
    if (q.inFlight == 0 && q.handed == 0) {
      byReplica.remove(replica);
    }
  }

  /** Tries holding or about to hold a slot of {@code replica}, and requests waiting for one (for tests, metrics). */
  int inFlight(String replica) {
    Queue q = byReplica.get(replica);
    return q == null ? 0 : q.inFlight + q.handed;
  }

  int waiting(String replica) {
    Queue q = byReplica.get(replica);
    return q == null ? 0 : q.waiting.size();
  }

  private void handOver(String replica, Queue q) {
    if (q.waiting.isEmpty() || q.inFlight + q.handed >= cap) {
      return;
    }
    Entry next = q.waiting.poll();
    timers.cancel(next.timer());
    q.handed++;
    later.execute(() -> {
      q.handed--;
      q.inFlight++;
      next.waiter().admitted();
    });
  }

  private void timedOut(String replica, Waiter waiter) {
    Queue q = byReplica.get(replica);
    if (q == null) {
      return;
    }
    for (Iterator<Entry> it = q.waiting.iterator(); it.hasNext(); ) {
      if (it.next().waiter() == waiter) {
        it.remove();
        meters.rejected(true);
        waiter.refused(true);
        return;
      }
    }
  }
}
