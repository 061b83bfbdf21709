package dev.lb.loadtest.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OpenTelemetry collector for a traced balancer target: an OTLP/HTTP endpoint on 127.0.0.1 that takes
 * each export and answers as a collector does (200, an empty protobuf reply), so that a run measures the balancer
 * making and sending its spans, not an exporter failing. A {@code --variant} names it by the value {@value #VALUE}.
 */
final class OtlpSink {

  /** What a variant writes for the endpoint to be this sink's: {@code OTEL_EXPORTER_OTLP_ENDPOINT=bench-collector}. */
  static final String VALUE = "bench-collector";

  private final AtomicLong exports = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final HttpServer server;

  /** Opens the sink on a free port of 127.0.0.1. */
  OtlpSink(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      exports.incrementAndGet();
      bytes.addAndGet(body.length());
      req.response().putHeader("Content-Type", "application/x-protobuf").end();
    }));
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the OTLP sink did not open within 10 s", e);
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** What it took: {@code 12 exports, 345678 bytes}. */
  String received() {
    return exports.get() + " exports, " + bytes.get() + " bytes";
  }
}
