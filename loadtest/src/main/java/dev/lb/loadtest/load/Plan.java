package dev.lb.loadtest.load;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * What a {@link LoadGenerator} run sends, and how: {@code GET}s of a URI that may depend on the request's index, with at
 * most {@code concurrency} in flight; a closed loop (the next request when one is answered) until {@code requests} were
 * sent or {@code durationMs} passed, or at a fixed {@code rate} for {@code durationMs}.
 *
 * @param target        where to send
 * @param uri           the URI of request k
 * @param key           a header whose value depends on k (affinity keys), or null
 * @param concurrency   requests in flight at most (connections, for a closed loop)
 * @param requests      how many to send at most in a closed loop
 * @param durationMs    how long to send; 0: until {@code requests} were sent
 * @param rate          requests per second of a fixed-rate run; 0: a closed loop
 * @param timeoutMs     how long one request may take to connect or stay silent
 * @param countReplicas whether to read which replica answered from each reply (it parses every body)
 * @param listener      told of every reply, or null
 */
public record Plan(Endpoint target, IntFunction<String> uri, Key key, int concurrency, int requests, long durationMs,
    int rate, long timeoutMs, boolean countReplicas, ReplyListener listener) {

  /** A header and its value for request k. */
  public record Key(String header, IntFunction<String> value) { }

  /** Told which replica answered request k (null: none named itself, or the request failed). */
  @FunctionalInterface
  public interface ReplyListener {
    void replied(int index, String replica);
  }

  /** {@code GET /home?id=<random 6-digit id>}: the bench's requests, spread over the id space the assignment uses. */
  public static final IntFunction<String> RANDOM_ID = k -> "/home?id=" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);

  /** The analysis' batches: {@code requests} GETs of {@code path}, counting which replica answered each. */
  public static Plan requests(Endpoint target, String path, int requests, int concurrency) {
    return new Plan(target, k -> path, null, concurrency, requests, 0, 0, 30_000, true, null);
  }

  /** The bench's closed loop without wrk: {@code connections} requests in flight for {@code durationMs}. */
  public static Plan closedLoop(Endpoint target, int connections, long durationMs) {
    return new Plan(target, RANDOM_ID, null, connections, Integer.MAX_VALUE, durationMs, 0, 10_000, false, null);
  }

  /**
   * The bench's latency run: {@code rate} requests per second for {@code durationMs}, whatever the answers' speed, at
   * most {@code connections} in flight. Latency counts from each request's intended send time, so a stall delays the
   * clock of every request queued behind it (no coordinated omission).
   */
  public static Plan fixedRate(Endpoint target, int rate, long durationMs, int connections) {
    return new Plan(target, RANDOM_ID, null, connections, Integer.MAX_VALUE, durationMs, rate, 10_000, false, null);
  }

  /** Stops sending after {@code millis} even if not all requests were sent. */
  public Plan lasting(long millis) {
    return new Plan(target, uri, key, concurrency, requests, millis, rate, timeoutMs, countReplicas, listener);
  }

  /** Request k carries {@code header: value(k)}. */
  public Plan withKeys(String header, IntFunction<String> value) {
    return new Plan(target, uri, new Key(header, value), concurrency, requests, durationMs, rate, timeoutMs,
        countReplicas, listener);
  }

  /** {@code next} is told of every reply too, after any listener already set. */
  public Plan onReply(ReplyListener next) {
    ReplyListener both = listener == null ? next : (k, replica) -> {
      listener.replied(k, replica);
      next.replied(k, replica);
    };
    return new Plan(target, uri, key, concurrency, requests, durationMs, rate, timeoutMs, countReplicas, both);
  }

  /** Requests a fixed-rate run sends: the rate times the duration, at least one. */
  long paced() {
    return Math.max(1, rate * durationMs / 1000);
  }
}
