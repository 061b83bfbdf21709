package dev.lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.BalancerProcess;
import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.launcher.Deployment;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin listener of a whole node (started as the launcher starts it, with in-JVM replicas): its metrics count what
 * was sent, per replica; readiness follows whether any replica is routable; its mutating actions need the token.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminTest {

  private static final String TOKEN = "s3cret";

  private Deployment node;
  private Vertx client;
  private WebClient web;
  private int port;
  private int admin;

  @BeforeEach
  void start() throws Exception {
    port = BalancerProcess.freePort();
    admin = BalancerProcess.freePort();
    JsonObject conf = Settings.defaults().put(ConfigKeys.BACKEND, "inproc").put(ConfigKeys.HTTP_HOST, "127.0.0.1")
        .put(ConfigKeys.HTTP_PORT, port).put(ConfigKeys.ADMIN_PORT, admin).put(ConfigKeys.ADMIN_TOKEN, TOKEN)
        .put(ConfigKeys.BALANCER_INSTANCES, 2).put(ConfigKeys.KEY, "header:X-Key").put(ConfigKeys.RING_HASH, "murmur3")
        .put(ConfigKeys.HEARTBEAT_INTERVAL_MS, 100);
    node = Deployment.start(conf).await(30, TimeUnit.SECONDS);
    client = Vertx.vertx();
    web = WebClient.create(client);
  }

  @AfterEach
  void stop() throws Exception {
    node.stop(30, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> get(int to, String path) {
    return web.get(to, "127.0.0.1", path).send().await();
  }

  @Test
  void metricsCountEveryRequestPerReplica() {
    Map<String, Integer> sent = new HashMap<>();
    for (int k = 0; k < 300; k++) {
      HttpResponse<Buffer> home = web.get(port, "127.0.0.1", "/home").putHeader("X-Key", "user-" + k).send().await();
      assertEquals(200, home.statusCode());
      sent.merge(home.bodyAsJsonObject().getString("message").replace("Hello from Server: ", "Server "), 1, Integer::sum);
    }
    String metrics = get(admin, "/metrics").bodyAsString();
    for (Map.Entry<String, Integer> e : sent.entrySet()) {
      assertEquals(e.getValue(), counter(metrics, "lb_server_requests_total", e.getKey()), e.getKey() + ":\n" + metrics);
      assertEquals(e.getValue(), counter(metrics, "lb_server_http_responses_total{code=\"2xx\",", e.getKey()));
    }
    assertEquals(3, sent.size(), "the keys reached every replica: " + sent);
    assertTrue(metrics.contains("lb_server_response_time_seconds_bucket{"), "a latency histogram");
    assertTrue(metrics.contains("lb_server_up{replica=\"Server 1\"} 1.0"), metrics);
    assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(metrics.contains("lb_frontend_http_responses_total{code=\"2xx\"} 300.0"), "the balancer's own answers");
  }

  /** The value of {@code name} for replica {@code replica} in Prometheus text. */
  private static int counter(String metrics, String name, String replica) {
    String prefix = name.endsWith(",") ? name : name + "{";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "replica=\"" + Pattern.quote(replica) + "\"} ([0-9.]+)$")
        .matcher(metrics);
    return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void readinessIsDownWithoutARoutableReplicaAndUpAgainAfter() {
    assertEquals(200, get(admin, "/health/ready").statusCode());
    assertEquals(200, get(admin, "/health/live").statusCode());
    HttpResponse<Buffer> removed = web.delete(admin, "127.0.0.1", "/api/rm").bearerTokenAuthentication(TOKEN)
        .sendJsonObject(new JsonObject().put("n", 3)).await();
    assertEquals(200, removed.statusCode(), removed.bodyAsString());
    HttpResponse<Buffer> down = get(admin, "/health/ready");
    assertEquals(503, down.statusCode(), down.bodyAsString());
    assertEquals("DOWN", down.bodyAsJsonObject().getString("status"));
    web.post(admin, "127.0.0.1", "/api/add").bearerTokenAuthentication(TOKEN).sendJsonObject(new JsonObject().put("n", 1))
        .await();
    HttpResponse<Buffer> up = get(admin, "/health/ready");
    assertEquals(200, up.statusCode(), up.bodyAsString());
    assertEquals(1, up.bodyAsJsonObject().getJsonArray("checks").size(), "a check per replica: " + up.bodyAsString());
  }

  @Test
  void mutatingActionsNeedTheTokenOnBothPorts() {
    HttpResponse<Buffer> refused = web.post(admin, "127.0.0.1", "/api/add").sendJsonObject(new JsonObject().put("n", 1))
        .await();
    assertEquals(401, refused.statusCode());
    assertEquals(401, web.post(port, "127.0.0.1", "/add").sendJsonObject(new JsonObject().put("n", 1)).await().statusCode());
    assertEquals(401, web.post(admin, "127.0.0.1", "/api/add").bearerTokenAuthentication("wrong")
        .sendJsonObject(new JsonObject().put("n", 1)).await().statusCode());
    assertEquals(3, get(admin, "/api/rep").bodyAsJsonObject().getJsonObject("message").getInteger("N"), "nothing changed");
    assertEquals(200, web.post(admin, "127.0.0.1", "/api/add").bearerTokenAuthentication(TOKEN)
        .sendJsonObject(new JsonObject().put("n", 1)).await().statusCode());
    assertTrue(get(admin, "/metrics").bodyAsString().contains("lb_admin_requests_total{action=\"add\",code=\"200\"} 1.0"));
  }

  @Test
  void theStateAndLookupShowTheRing() {
    JsonObject state = get(admin, "/api/state").bodyAsJsonObject();
    assertEquals(3, state.getJsonArray("replicas").size());
    assertEquals(512, state.getJsonObject("ring").getInteger("slots"));
    assertEquals(27, state.getJsonObject("ring").getJsonArray("nodes").size(), "3 replicas x 9 virtual nodes");
    JsonObject lookup = get(admin, "/api/lookup?key=123456").bodyAsJsonObject();
    assertTrue(lookup.getString("replica").startsWith("Server "), lookup.encode());
    assertEquals(400, get(admin, "/api/lookup").statusCode());
  }
}
