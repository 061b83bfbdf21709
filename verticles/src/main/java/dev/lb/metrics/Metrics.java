package dev.lb.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The metrics of a node, set where its Vert.x is built: one Prometheus registry that Vert.x reports to (its HTTP
 * server, event bus and JVM metrics) and the system's own meters go to ({@link ProxyMetrics}, {@link SystemMetrics}).
 * Vert.x's HTTP client metrics are off: the forward path counts its requests per replica itself, under the names
 * operators know from HAProxy ({@code lb_server_*}, like {@code haproxy_server_*}); so are its event-bus metrics (a
 * meter per address and message, for a bus that carries a few control messages); and so are its HTTP server metrics,
 * which look their meters up by tags on every request: {@link ProxyMetrics} counts the balancer's own requests with
 * meters made once ({@code lb_frontend_*}).
 */
public final class Metrics {

  private Metrics() {}

  /** A registry in Prometheus' text format. */
  public static PrometheusMeterRegistry registry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** {@code builder} with Vert.x's metrics going to {@code registry}. */
  public static VertxBuilder withMetrics(VertxBuilder builder, VertxOptions options, PrometheusMeterRegistry registry) {
    // the local address as a label tells the balancer's port from the admin port
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.LOCAL, Label.POOL_TYPE, Label.POOL_NAME))
        .setDisabledMetricsCategories(Set.of(MetricsDomain.HTTP_CLIENT.toCategory(), MetricsDomain.NAMED_POOLS.toCategory(),
            MetricsDomain.EVENT_BUS.toCategory(), MetricsDomain.HTTP_SERVER.toCategory())));
    return builder.with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }
}
