package dev.lb.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import dev.lb.metrics.Telemetry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing as the standard {@code OTEL_*} variables configure it, exported over OTLP/HTTP (protobuf) to a receiver of
 * the test's own on 127.0.0.1 that answers as a collector does: the spans of a retried request arrive, under the
 * service {@code load-balancer}, with the replicas and outcomes of both tries.
 */
class OtlpExportTest {

  private final Vertx vertx = Vertx.vertx();
  private Tracing tracing = Tracing.OFF;

  @AfterEach
  void close() throws Exception {
    vertx.close().await(TracingTest.WAIT_S, TimeUnit.SECONDS);
    tracing.close();
  }

  @Test
  void theSpansOfARetriedRequestReachAnOtlpReceiver() throws Exception {
    List<Span> received = new CopyOnWriteArrayList<>();
    List<String> services = new CopyOnWriteArrayList<>();
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!req.path().equals("/v1/traces")) {
        req.response().setStatusCode(404).end();
        return;
      }
      try {
        ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
        for (ResourceSpans rs : export.getResourceSpansList()) {
          services.add(attribute(rs.getResource(), "service.name"));
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            received.addAll(ss.getSpansList());
          }
        }
        req.response().putHeader("Content-Type", "application/x-protobuf")
            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        req.response().setStatusCode(400).end(e.getMessage());
      }
    })).listen(0, "127.0.0.1").await(TracingTest.WAIT_S, TimeUnit.SECONDS);

    tracing = Tracing.fromEnvironment(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.actualPort(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_BSP_SCHEDULE_DELAY", "100"));
    assertTrue(tracing.on(), tracing.description());
    ScriptedReplicaBackend replicas = new ScriptedReplicaBackend(vertx);
    TestSystem system = TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.KEY, "query:id"), replicas,
        Telemetry.NONE.tracedBy(tracing)).await(TracingTest.WAIT_S, TimeUnit.SECONDS);
    TracingTest.Retried retried = TracingTest.retried(vertx, system, replicas);

    byte[] traceId = HexFormat.of().parseHex(TracingTest.CLIENT_TRACE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TracingTest.WAIT_S);
    while (ofTrace(received, traceId).size() < 3 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    List<Span> trace = ofTrace(received, traceId);
    assertEquals(3, trace.size(), "spans of the retried request: " + trace);
    assertTrue(services.contains("load-balancer"), services.toString());
    Span request = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
    assertEquals(TracingTest.CLIENT_SPAN, HexFormat.of().formatHex(request.getParentSpanId().toByteArray()));
    List<Span> attempts = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
        .sorted(java.util.Comparator.comparing(s -> s.getStartTimeUnixNano())).toList();
    assertEquals(2, attempts.size());
    assertEquals(retried.owner(), attribute(attempts.get(0), "lb.replica"));
    assertEquals("500", attribute(attempts.get(0), "lb.outcome"));
    assertEquals(retried.other(), attribute(attempts.get(1), "lb.replica"));
    assertEquals("200", attribute(attempts.get(1), "lb.outcome"));
    for (Span attempt : attempts) {
      assertEquals(request.getSpanId(), attempt.getParentSpanId());
    }
  }

  private static List<Span> ofTrace(List<Span> spans, byte[] traceId) {
    return spans.stream().filter(s -> java.util.Arrays.equals(s.getTraceId().toByteArray(), traceId)).toList();
  }

  private static String attribute(Resource resource, String key) {
    return value(resource.getAttributesList(), key);
  }

  private static String attribute(Span span, String key) {
    return value(span.getAttributesList(), key);
  }

  private static String value(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue)
        .map(AnyValue::getStringValue).findFirst().orElse(null);
  }
}
