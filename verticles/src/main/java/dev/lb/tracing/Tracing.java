package dev.lb.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node's tracing: OpenTelemetry as the standard {@code OTEL_*} variables configure it (exporter, endpoint, sampler,
 * service name, resource), on only when an exporter is asked for ({@code OTEL_TRACES_EXPORTER}, or an OTLP endpoint);
 * off, requests still get an {@code X-Request-Id} and a client's trace context passes through as it came. One per
 * node, shared by its balancer instances (thread-safe).
 */
public final class Tracing {

  private static final System.Logger LOG = System.getLogger(Tracing.class.getName());
  /** The instrumentation scope the balancer's spans are recorded under. */
  public static final String SCOPE = "dev.lb.balancer";

  /** Off: no spans, nothing exported. */
  public static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null, "off");

  private final OpenTelemetry otel;
  private final OpenTelemetrySdk sdk;
  final Tracer tracer;
  /** Reads a client's context as the configured propagators do ({@code OTEL_PROPAGATORS}: W3C trace context and baggage by default). */
  final TextMapPropagator propagator;
  /**
   * Writes the context a replica gets: W3C trace context only. Other fields of the configured propagators (baggage,
   * B3) pass on as the client sent them, as a proxy changes none of them.
   */
  final TextMapPropagator injector = W3CTraceContextPropagator.getInstance();
  private final String description;

  private Tracing(OpenTelemetry otel, OpenTelemetrySdk sdk, String description) {
    this.otel = otel;
    this.sdk = sdk;
    this.tracer = otel.getTracer(SCOPE);
    this.propagator = otel.getPropagators().getTextMapPropagator();
    this.description = description;
  }

  /** Tracing with {@code otel} (a test's SDK); {@link #close} shuts it down if it is an SDK. */
  public static Tracing of(OpenTelemetry otel) {
    return new Tracing(otel, otel instanceof OpenTelemetrySdk s ? s : null, "on");
  }

  /**
   * Tracing as the {@code OTEL_*} variables of {@code env} say, or {@link #OFF} when they ask for no exporter (none
   * named and no OTLP endpoint, {@code OTEL_TRACES_EXPORTER=none}, or {@code OTEL_SDK_DISABLED=true}). The service
   * is named {@code load-balancer} unless {@code OTEL_SERVICE_NAME} says otherwise; metrics and logs stay with the
   * balancer's own endpoints (their OTel exporters default to none here). A configuration the SDK refuses is an
   * {@link IllegalArgumentException}.
   */
  public static Tracing fromEnvironment(Map<String, String> env) {
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim();
    boolean endpoint = !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
        || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim()) || exporter.equals("none")
        || (exporter.isEmpty() && !endpoint)) {
      return OFF;
    }
    Map<String, String> properties = new HashMap<>();
    if (!env.getOrDefault("OTEL_RESOURCE_ATTRIBUTES", "").contains("service.name=")) {
      properties.put("otel.service.name", "load-balancer");
    }
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    // OTLP over HTTP (protobuf), as the specification's default: this build sends with the JDK's HTTP client only
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_")) {
        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    String protocol = properties.getOrDefault("otel.exporter.otlp.traces.protocol",
        properties.get("otel.exporter.otlp.protocol")).trim();
    if (protocol.equals("grpc")) {
      throw new IllegalArgumentException("OTLP over grpc (OTEL_EXPORTER_OTLP_PROTOCOL): this build exports over "
          + "OTLP/HTTP only; use http/protobuf (an OTLP collector's port 4318)");
    }
    OpenTelemetrySdk sdk;
    try {
      sdk = AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> properties).disableShutdownHook()
          .build().getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new IllegalArgumentException("tracing (OTEL_* variables): " + e.getMessage()
          + (root == e ? "" : " (" + root + ")"), e);
    }
    String where = properties.getOrDefault("otel.exporter.otlp.traces.endpoint",
        properties.getOrDefault("otel.exporter.otlp.endpoint", "the exporter's default endpoint"));
    boolean otlp = exporter.isEmpty() || exporter.contains("otlp");
    return new Tracing(sdk, sdk, "exporting spans (" + (exporter.isEmpty() ? "otlp" : exporter) + ")"
        + (otlp ? " to " + where : "")
        + ", sampler " + properties.getOrDefault("otel.traces.sampler", "parentbased_always_on")
        + (properties.containsKey("otel.traces.sampler.arg") ? " " + properties.get("otel.traces.sampler.arg") : ""));
  }

  /** Whether spans are made at all. */
  public boolean on() {
    return this != OFF;
  }

  /** The OpenTelemetry that Vert.x's own tracing (HTTP server, clients, event bus) reports to. */
  public OpenTelemetry openTelemetry() {
    return otel;
  }

  /** What a log line says of it. */
  public String description() {
    return description;
  }

  /** Exports what is still buffered and stops, within 5 s. */
  public void close() {
    if (sdk != null && !sdk.shutdown().join(5, TimeUnit.SECONDS).isSuccess()) {
      LOG.log(Level.WARNING, "tracing: the last spans could not be exported within 5 s");
    }
  }
}
