package dev.lb.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.RawHttp;
import dev.lb.ScriptedReplicaBackend;
import dev.lb.TestSystem;
import dev.lb.config.ConfigKeys;
import dev.lb.metrics.Telemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request followed: the spans of a retried request (one for the request, one per try, with the replicas and what
 * came of each), the trace context a replica gets (that of the try that reached it), and the request id, made when the
 * client sent none. Spans go to the SDK's in-memory exporter here; {@link OtlpExportTest} sends them over OTLP.
 */
class TracingTest {

  static final long WAIT_S = 20;
  static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CLIENT_SPAN = "00f067aa0ba902b7";
  static final String CLIENT_TRACEPARENT = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";
  private Vertx vertx;
  private InMemorySpanExporter spans;
  private OpenTelemetrySdk sdk;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    spans = InMemorySpanExporter.create();
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(io.opentelemetry.context.propagation.ContextPropagators.create(
            io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance()))
        .build();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(WAIT_S, TimeUnit.SECONDS);
    sdk.close();
  }

  @Test
  void aRetriedRequestIsOneRequestSpanAndTwoAttemptSpans() throws Exception {
    ScriptedReplicaBackend replicas = new ScriptedReplicaBackend(vertx);
    TestSystem system = TestSystem.deploy(vertx, TestSystem.config().put(ConfigKeys.KEY, "query:id"), replicas,
        Telemetry.NONE.tracedBy(Tracing.of(sdk))).await(WAIT_S, TimeUnit.SECONDS);
    Retried retried = retried(vertx, system, replicas);
    List<SpanData> trace = await(() -> spansOf(spans.getFinishedSpanItems(), CLIENT_TRACE), 3);
    checkRetried(trace, retried);
    // each replica got the context of the try that reached it: the head's traceparent rewritten for the second try
    for (SpanData attempt : trace) {
      if (attempt.getKind() == SpanKind.CLIENT) {
        assertEquals("00-" + CLIENT_TRACE + "-" + attempt.getSpanId() + "-01",
            replicas.traceparents.get(attempt.getAttributes().get(RequestTrace.REPLICA)));
      }
    }
  }

  @Test
  void aReplicaGetsTheContextOfTheTryThatReachedItAndARequestId() throws Exception {
    TestSystem system = TestSystem.deploy(vertx, TestSystem.config(), new ScriptedReplicaBackend(vertx),
        Telemetry.NONE.tracedBy(Tracing.of(sdk))).await(WAIT_S, TimeUnit.SECONDS);
    WebClient client = WebClient.create(vertx);
    JsonObject seen = client.get(system.port(), "127.0.0.1", "/echo").putHeader("traceparent", CLIENT_TRACEPARENT)
        .putHeader("tracestate", "vendor=1").send().await(WAIT_S, TimeUnit.SECONDS).bodyAsJsonObject();
    List<SpanData> trace = await(() -> spansOf(spans.getFinishedSpanItems(), CLIENT_TRACE), 2);
    SpanData attempt = only(trace, SpanKind.CLIENT);
    assertEquals("00-" + CLIENT_TRACE + "-" + attempt.getSpanId() + "-01", seen.getString("traceparent"), seen.encode());
    assertEquals("vendor=1", seen.getString("tracestate"));
    String made = seen.getString("x-request-id");
    assertTrue(made != null && made.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), seen.encode());
    assertEquals(made, only(trace, SpanKind.SERVER).getAttributes().get(RequestTrace.REQUEST_ID));

    JsonObject given = client.get(system.port(), "127.0.0.1", "/echo").putHeader("X-Request-Id", "abc-123")
        .send().await(WAIT_S, TimeUnit.SECONDS).bodyAsJsonObject();
    assertEquals("abc-123", given.getString("x-request-id"), "a client's request id passes on as it came");
    String empty = RawHttp.exchange(system.port(), "GET /echo HTTP/1.1\r\nHost: x\r\nX-Request-Id:\r\n"
        + "baggage: user=7\r\nConnection: close\r\n\r\n");
    JsonObject echoed = new JsonObject(RawHttp.body(empty));
    assertEquals(36, echoed.getString("x-request-id").length(), "an empty id is replaced, not doubled: " + empty);
    assertEquals("user=7", echoed.getString("baggage"), "baggage passes on once, as it came: " + empty);
    assertTrue(given.getString("traceparent", "").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"),
        "a request without a trace context starts a trace: " + given.encode());

    // through the HTTP stack (HTTP/1.0 goes there): the same spans and the same context for the replica
    spans.reset();
    JsonObject old = new JsonObject(RawHttp.body(RawHttp.exchange(system.port(), "GET /echo HTTP/1.0\r\ntraceparent: "
        + CLIENT_TRACEPARENT + "\r\n\r\n")));
    List<SpanData> stack = await(() -> spansOf(spans.getFinishedSpanItems(), CLIENT_TRACE), 2);
    assertEquals("HTTP/1.0", only(stack, SpanKind.SERVER).getAttributes().get(RequestTrace.PROTOCOL));
    assertEquals("00-" + CLIENT_TRACE + "-" + only(stack, SpanKind.CLIENT).getSpanId() + "-01",
        old.getString("traceparent"), old.encode());
  }

  @Test
  void withTracingOffTheContextPassesAsItCameAndARequestIdIsStillMade() throws Exception {
    TestSystem system = TestSystem.deploy(vertx, TestSystem.config(), new ScriptedReplicaBackend(vertx))
        .await(WAIT_S, TimeUnit.SECONDS);
    JsonObject seen = WebClient.create(vertx).get(system.port(), "127.0.0.1", "/echo")
        .putHeader("traceparent", CLIENT_TRACEPARENT).putHeader("tracestate", "vendor=1").send()
        .await(WAIT_S, TimeUnit.SECONDS).bodyAsJsonObject();
    assertEquals(CLIENT_TRACEPARENT, seen.getString("traceparent"));
    assertEquals("vendor=1", seen.getString("tracestate"));
    assertTrue(seen.getString("x-request-id", "").length() == 36, seen.encode());
  }

  /** The request of {@link #retried}: which replica failed it, and which answered. */
  record Retried(String owner, String other) { }

  /**
   * Sends {@code GET /home?id=7} with the client's trace context to a system keyed by {@code query:id}, after making
   * the key's owner fail: it is tried there (500), then on another replica (200).
   */
  static Retried retried(Vertx vertx, TestSystem system, ScriptedReplicaBackend replicas) throws Exception {
    system.awaitRep(rep -> rep.getInteger("N") == 3, WAIT_S * 1000).await(WAIT_S, TimeUnit.SECONDS);
    WebClient client = WebClient.create(vertx);
    // the key's owner once the ring holds all three (they come into it one by one as they start)
    String owner = null;
    for (int same = 0, k = 0; same < 3 && k < 50; k++) {
      String now = replicaOf(client.get(system.port(), "127.0.0.1", "/home?id=7").send().await(WAIT_S, TimeUnit.SECONDS));
      same = now.equals(owner) ? same + 1 : 1;
      owner = now;
    }
    replicas.failing.add(owner);
    HttpResponse<Buffer> reply = client.get(system.port(), "127.0.0.1", "/home?id=7")
        .putHeader("traceparent", CLIENT_TRACEPARENT).send().await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(200, reply.statusCode(), reply.bodyAsString());
    String other = replicaOf(reply);
    assertNotEquals(owner, other);
    return new Retried(owner, other);
  }

  /** The spans of {@link #retried}'s request: one of the request, one per try, in order, with what came of each. */
  static void checkRetried(List<SpanData> trace, Retried retried) {
    SpanData request = only(trace, SpanKind.SERVER);
    assertEquals("GET", request.getName());
    assertEquals(CLIENT_SPAN, request.getParentSpanId(), "the client's span is the request's parent");
    assertEquals(200L, request.getAttributes().get(RequestTrace.STATUS));
    assertEquals(2L, request.getAttributes().get(RequestTrace.TRIES));
    assertEquals("replied", request.getAttributes().get(RequestTrace.END));
    assertEquals("/home", request.getAttributes().get(RequestTrace.PATH));
    List<SpanData> attempts = trace.stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .sorted(Comparator.comparing(s -> s.getAttributes().get(RequestTrace.TRY))).toList();
    assertEquals(2, attempts.size(), trace.toString());
    for (SpanData attempt : attempts) {
      assertEquals(request.getSpanId(), attempt.getParentSpanId());
      assertEquals("attempt", attempt.getName());
    }
    SpanData first = attempts.get(0);
    assertEquals(retried.owner(), first.getAttributes().get(RequestTrace.REPLICA));
    assertEquals("500", first.getAttributes().get(RequestTrace.OUTCOME));
    assertEquals(StatusCode.ERROR, first.getStatus().getStatusCode());
    SpanData second = attempts.get(1);
    assertEquals(retried.other(), second.getAttributes().get(RequestTrace.REPLICA));
    assertEquals("200", second.getAttributes().get(RequestTrace.OUTCOME));
    assertEquals("127.0.0.1", second.getAttributes().get(RequestTrace.SERVER));
    assertTrue(request.getAttributes().get(RequestTrace.SLOT) >= 0);
  }

  private static String replicaOf(HttpResponse<Buffer> reply) {
    return reply.bodyAsJsonObject().getString("message").replace("Hello from Server: ", "");
  }

  static List<SpanData> spansOf(List<SpanData> all, String traceId) {
    return all.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  private static SpanData only(List<SpanData> trace, SpanKind kind) {
    List<SpanData> of = trace.stream().filter(s -> s.getKind() == kind).toList();
    assertEquals(1, of.size(), kind + " spans: " + trace);
    return of.get(0);
  }

  /** What {@code spans} gives once it holds at least {@code n}, within {@link #WAIT_S} (spans end as replies do). */
  static List<SpanData> await(Supplier<List<SpanData>> spans, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    List<SpanData> now = spans.get();
    while (now.size() < n && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
      now = spans.get();
    }
    return now;
  }
}
