package dev.lb.loadtest.process;

import dev.lb.config.Settings;
import dev.lb.loadtest.load.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A balancer under test, for the analysis and the bench alike: one this tool started ({@code java -jar
 * load-balancer.jar} on a free loopback port, its log kept in a file, its process and replicas tracked by
 * {@link Children}) and stops again, or one already running at {@code --target}. Called from the main thread.
 */
public final class Balancer implements AutoCloseable {

  /** Between SIGTERM and SIGKILL: a balancer stops its replicas (processes or containers) before it exits. */
  private static final long STOP_GRACE_MS = 30_000;
  private static final long SERVING_TIMEOUT_MS = 60_000;
  private static final long REPLICAS_TIMEOUT_MS = 60_000;

  public final String host;
  public final int port;
  /** Its admin port (metrics), 0 for {@code --target}. */
  public final int adminPort;
  private final Process process;
  private final Path log;
  private final WebClient client;
  private final long launchedNanos = System.nanoTime();
  private long startedMs;
  private List<Endpoint> replicaEndpoints = List.of();

  private Balancer(String host, int port, int adminPort, Process process, Path log, WebClient client) {
    this.host = host;
    this.port = port;
    this.adminPort = adminPort;
    this.process = process;
    this.log = log;
    this.client = client;
  }

  /**
   * Refuses a variable the balancer does not read: a misspelt setting would be ignored silently, and the experiment
   * would measure the defaults under another name. OpenTelemetry's {@code OTEL_*} variables are read by its SDK.
   */
  public static void checkSettings(Map<String, String> env) {
    env.keySet().stream().filter(name -> !Settings.ENVIRONMENT.containsKey(name) && !name.startsWith("OTEL_"))
        .findFirst().ifPresent(name -> {
      throw new IllegalArgumentException(name + " is not a setting of the balancer; see dev.lb.config.Settings");
    });
  }

  /**
   * Starts the balancer as {@code launch} says, with {@code env} (LB_* settings) and its admin port on a free port
   * unless {@code env} gives one, and waits until it serves {@code /rep}.
   */
  public static Balancer start(Launch launch, Map<String, String> env, Path logFile, WebClient client) {
    checkSettings(env);
    int port = Loopback.freePort();
    int adminPort = env.containsKey("LB_ADMIN_PORT") ? Integer.parseInt(env.get("LB_ADMIN_PORT")) : Loopback.freePort();
    try {
      Files.createDirectories(logFile.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + logFile.getParent(), e);
    }
    ProcessBuilder builder = launch.builder().redirectErrorStream(true).redirectOutput(logFile.toFile());
    builder.environment().put("LB_PORT", String.valueOf(port));
    builder.environment().put("LB_HOST", "127.0.0.1");
    builder.environment().put("LB_ADMIN_PORT", String.valueOf(adminPort));
    builder.environment().putAll(env);
    Balancer balancer = new Balancer("127.0.0.1", port, adminPort, Children.start(builder, STOP_GRACE_MS), logFile, client);
    try {
      balancer.awaitServing();
      return balancer;
    } catch (RuntimeException e) {
      balancer.close();
      throw e;
    }
  }

  /**
   * Starts the jar as {@link #start} does, then waits until {@code replicas} of its process replicas listen, which the
   * bench drives directly: {@link #startedMs} then counts from the launch to all of them serving.
   */
  public static Balancer startWithReplicas(Launch launch, Map<String, String> env, Path logFile, WebClient client,
      int replicas) {
    Balancer balancer = start(launch, env, logFile, client);
    try {
      balancer.replicaEndpoints = ReplicaProcesses.await(balancer.process, replicas, REPLICAS_TIMEOUT_MS);
      balancer.startedMs = (System.nanoTime() - balancer.launchedNanos) / 1_000_000;
      return balancer;
    } catch (RuntimeException e) {
      balancer.close();
      throw e;
    }
  }

  /** A balancer already running at {@code url}; this tool neither starts nor stops it. */
  public static Balancer at(String url, WebClient client) {
    URI uri = URI.create(url);
    return new Balancer(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80, 0, null, null, client);
  }

  private void awaitServing() {
    boolean serving = Wait.until(() -> {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("the balancer exited with " + process.exitValue() + "; see " + log);
      }
      try {
        return send(HttpMethod.GET, "/rep", null).statusCode() == 200;
      } catch (Exception notYet) {
        return false; // not listening yet: await() rethrows the connection's IOException as it is
      }
    }, SERVING_TIMEOUT_MS, 100);
    if (!serving) {
      throw new IllegalStateException("the balancer did not serve /rep within " + SERVING_TIMEOUT_MS + " ms; see " + log);
    }
    startedMs = (System.nanoTime() - launchedNanos) / 1_000_000;
  }

  /** Where it listens; the pid is that of the balancer's JVM alone, without its replicas (0 for {@code --target}). */
  public Endpoint endpoint() {
    return new Endpoint(host, port, process == null ? 0 : process.pid());
  }

  /** The replicas {@link #startWithReplicas} found, with their processes. */
  public List<Endpoint> replicaEndpoints() {
    return replicaEndpoints;
  }

  /** From the launch of its JVM to serving (with its replicas listening, if it was started with them). */
  public long startedMs() {
    return startedMs;
  }

  /** Sends a request to it and waits for the reply (on the main thread). */
  public HttpResponse<Buffer> send(HttpMethod method, String path, String body) {
    var request = client.request(method, port, host, path).timeout(60_000);
    Future<HttpResponse<Buffer>> reply = body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
    return reply.await();
  }

  /** The names {@code /rep} lists. */
  public List<String> replicas() {
    JsonArray names = send(HttpMethod.GET, "/rep", null).bodyAsJsonObject().getJsonObject("message").getJsonArray("replicas");
    return names.stream().map(String::valueOf).toList();
  }

  public JsonObject add(int n, List<String> names) {
    return scale(HttpMethod.POST, "/add", n, names);
  }

  public JsonObject remove(int n, List<String> names) {
    return scale(HttpMethod.DELETE, "/rm", n, names);
  }

  private JsonObject scale(HttpMethod method, String path, int n, List<String> names) {
    HttpResponse<Buffer> resp = send(method, path, new JsonObject().put("n", n).put("hostnames", new JsonArray(names)).encode());
    if (resp.statusCode() != 200) {
      throw new IllegalStateException(method + " " + path + " answered " + resp.statusCode() + ": " + resp.bodyAsString());
    }
    return resp.bodyAsJsonObject().getJsonObject("message");
  }

  /** The replica processes of a started process-backend balancer. */
  public List<ProcessHandle> replicaProcesses() {
    return process == null ? List.of() : process.children().toList();
  }

  /** When the balancer first logged a line {@code pattern} finds in, at or after {@code since}; empty for --target. */
  public Optional<Long> logged(Pattern pattern, long since) {
    return log == null ? Optional.empty() : new BalancerLog(log).first(pattern, since);
  }

  /** Stops a balancer this tool started (which stops its replicas), then any replica still running. */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    Children.stop(process.toHandle());
    replicaEndpoints.forEach(r -> ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive).ifPresent(Children::stop));
  }
}
