package dev.lb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The forward path's meters, per replica (label {@code replica}), shared by every balancer instance of a node:
 * <ul>
 *   <li>{@code lb_server_requests_total}: tries sent to the replica;</li>
 *   <li>{@code lb_server_http_responses_total{code="2xx"}}: its replies by status class;</li>
 *   <li>{@code lb_server_response_time_seconds}: time to its reply's head (histogram);</li>
 *   <li>{@code lb_server_current_requests}: requests in flight to it;</li>
 *   <li>{@code lb_server_connection_errors_total}: tries that got no reply (refused, reset, timed out);</li>
 *   <li>{@code lb_server_retries_total}: tries made again elsewhere after it failed;</li>
 *   <li>{@code lb_server_ejections_total}: times outlier detection took it out of routing;</li>
 *   <li>{@code lb_frontend_http_responses_total{code="2xx"}}: the balancer's own answers to routed requests.</li>
 * </ul>
 * Without a registry ({@link #NONE}), counts go to a registry nobody reads.
 */
public final class ProxyMetrics {

  private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  /** Counts into a registry nobody reads: for tests and for metrics turned off. */
  public static final ProxyMetrics NONE = new ProxyMetrics(null);

  /** The meters of one replica. */
  public static final class Replica {
    private final Counter requests;
    private final Counter[] responses = new Counter[CLASSES.length];
    private final Timer responseTime;
    private final AtomicInteger current = new AtomicInteger();
    private final Counter connectionErrors;
    private final Counter retries;
    private final Counter ejections;

    private Replica(MeterRegistry registry, String name) {
      requests = Counter.builder("lb.server.requests").tag("replica", name).register(registry);
      for (int k = 0; k < CLASSES.length; k++) {
        responses[k] = Counter.builder("lb.server.http.responses").tag("replica", name).tag("code", CLASSES[k])
            .register(registry);
      }
      responseTime = Timer.builder("lb.server.response.time").tag("replica", name).publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
      Gauge.builder("lb.server.current.requests", current, AtomicInteger::get).tag("replica", name).register(registry);
      connectionErrors = Counter.builder("lb.server.connection.errors").tag("replica", name).register(registry);
      retries = Counter.builder("lb.server.retries").tag("replica", name).register(registry);
      ejections = Counter.builder("lb.server.ejections").tag("replica", name).register(registry);
    }

    public void started() {
      requests.increment();
      current.incrementAndGet();
    }

    public void answered(int status, long nanos) {
      int k = status / 100 - 1;
      responses[k < 0 || k > 4 ? 4 : k].increment();
      responseTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void ended() {
      current.decrementAndGet();
    }

    public void connectionError() {
      connectionErrors.increment();
    }

    public void retried() {
      retries.increment();
    }

    public void ejected() {
      ejections.increment();
    }

    /** Tries sent so far. */
    public double requests() {
      return requests.count();
    }

    /** Replies of status 5xx and tries with no reply, so far. */
    public double errors() {
      return responses[4].count() + connectionErrors.count();
    }

    public Timer responseTime() {
      return responseTime;
    }
  }

  private final MeterRegistry registry;
  private final Map<String, Replica> replicas = new ConcurrentHashMap<>();
  private final Replica none;
  private final Counter[] frontend = new Counter[CLASSES.length];
  private final Counter retryRefused;
  private final Counter queued;
  private final Counter queueFull;
  private final Counter queueTimedOut;
  private final Counter accessLogDropped;

  public ProxyMetrics(MeterRegistry registry) {
    this.registry = registry;
    MeterRegistry target = registry != null ? registry : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    this.none = registry == null ? new Replica(target, "none") : null;
    for (int k = 0; k < CLASSES.length; k++) {
      frontend[k] = Counter.builder("lb.frontend.http.responses").tag("code", CLASSES[k]).register(target);
    }
    retryRefused = Counter.builder("lb.retry.budget.refused")
        .description("retries the retry budget refused (the reply or failure went to the client)").register(target);
    queued = Counter.builder("lb.queue.waits")
        .description("tries that waited for a slot of a replica at its cap (proxy.max.inflight)").register(target);
    queueFull = Counter.builder("lb.queue.rejected").tag("reason", "full")
        .description("requests answered 503 by overload protection").register(target);
    queueTimedOut = Counter.builder("lb.queue.rejected").tag("reason", "timeout")
        .description("requests answered 503 by overload protection").register(target);
    accessLogDropped = Counter.builder("lb.access.log.dropped")
        .description("access log lines dropped because the log fell behind (requests never wait for it)").register(target);
  }

  /** An access log entry was dropped: the log fell behind. */
  public void accessLogDropped() {
    accessLogDropped.increment();
  }

  /** A try waits for a slot of a replica at its cap. */
  public void queued() {
    queued.increment();
  }

  /** A request refused by overload protection: its replica's queue was full, or it waited out the queue's timeout. */
  public void queueRejected(boolean timedOut) {
    (timedOut ? queueTimedOut : queueFull).increment();
  }

  /** A routed request was answered with {@code status}, by a replica or by the balancer itself. */
  public void answered(int status) {
    int k = status / 100 - 1;
    frontend[k < 0 || k > 4 ? 4 : k].increment();
  }

  /** A retry the retry budget refused. */
  public void retryRefused() {
    retryRefused.increment();
  }

  /** The meters of replica {@code name}, made the first time it is asked for. */
  public Replica of(String name) {
    if (registry == null) {
      return none;
    }
    Replica meters = replicas.get(name);
    return meters != null ? meters : replicas.computeIfAbsent(name, n -> new Replica(registry, n));
  }

  /** The meters of every replica counted so far, by name. */
  public Map<String, Replica> all() {
    return Map.copyOf(replicas);
  }

  /** Drops the meters of replicas no longer in {@code current}, so that replaced ones do not pile up. */
  public void forget(java.util.Set<String> current) {
    if (registry == null) {
      return;
    }
    for (String name : java.util.List.copyOf(replicas.keySet())) {
      if (!current.contains(name)) {
        replicas.remove(name);
        registry.getMeters().stream().filter(m -> name.equals(m.getId().getTag("replica"))
            && m.getId().getName().startsWith("lb.server.")).toList().forEach(registry::remove);
      }
    }
  }
}
