package dev.lb.loadtest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import dev.lb.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A balancer under test: one this tool started ({@code java -jar load-balancer.jar} on a free loopback port, its
 * log kept in a file) and stops again, or one already running at {@code --target}. Called from the main thread.
 */
public final class Balancer implements AutoCloseable {

  private static final List<Balancer> STARTED = new ArrayList<>();
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  private static final Pattern LOG_LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*");

  static {
    // a run interrupted by Ctrl-C still stops every balancer it started (which stop their replicas)
    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(STARTED).forEach(Balancer::close), "stop-balancers"));
  }

  public final String host;
  public final int port;
  public final Process process;
  public final Path log;
  private final WebClient client;

  private Balancer(String host, int port, Process process, Path log, WebClient client) {
    this.host = host;
    this.port = port;
    this.process = process;
    this.log = log;
    this.client = client;
  }

  /**
   * Refuses a variable the balancer does not read: a misspelt setting would be ignored silently, and the experiment
   * would measure the defaults under another name.
   */
  public static void checkSettings(Map<String, String> env) {
    env.keySet().stream().filter(name -> !Settings.ENVIRONMENT.containsKey(name)).findFirst().ifPresent(name -> {
      throw new IllegalArgumentException(name + " is not a setting of the balancer; see dev.lb.config.Settings");
    });
  }

  /** Starts the jar with {@code env} (LB_* settings) and waits until it serves {@code /rep}. */
  public static Balancer start(Path jar, Map<String, String> env, Path logFile, WebClient client) {
    checkSettings(env);
    try {
      int port = freePort();
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(logFile.toFile());
      builder.environment().put("LB_PORT", String.valueOf(port));
      builder.environment().put("LB_HOST", "127.0.0.1");
      builder.environment().putAll(env);
      Balancer balancer = new Balancer("127.0.0.1", port, builder.start(), logFile, client);
      STARTED.add(balancer);
      balancer.awaitServing(60_000);
      return balancer;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + jar, e);
    }
  }

  /** A balancer already running at {@code url}; this tool neither starts nor stops it. */
  static Balancer at(String url, WebClient client) {
    URI uri = URI.create(url);
    return new Balancer(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80, null, null, client);
  }

  /** A port free on loopback now, for a process of the tool's own to bind. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }


  private void awaitServing(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("the balancer exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (send(HttpMethod.GET, "/rep", null).statusCode() == 200) {
          return;
        }
      } catch (Exception notYet) {
        // not listening yet (await() rethrows the connection's IOException as it is)
      }
      pause(100);
    }
    throw new IllegalStateException("the balancer did not serve /rep within " + timeoutMs + " ms; see " + log);
  }

  /** Waits {@code ms} on the tool's main thread (never an event loop). */
  public static void pause(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, String body) {
    var request = client.request(method, port, host, path).timeout(60_000);
    Future<HttpResponse<Buffer>> reply = body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
    return reply.await();
  }

  /** The names {@code /rep} lists. */
  List<String> replicas() {
    JsonArray names = send(HttpMethod.GET, "/rep", null).bodyAsJsonObject().getJsonObject("message").getJsonArray("replicas");
    return names.stream().map(String::valueOf).toList();
  }

  JsonObject add(int n, List<String> names) {
    return scale(HttpMethod.POST, "/add", n, names);
  }

  JsonObject remove(int n, List<String> names) {
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
  List<ProcessHandle> replicaProcesses() {
    return process == null ? List.of() : process.children().toList();
  }

  /** The time of the first line of this balancer's log that contains {@code text} and is not before {@code since}. */
  Optional<Long> logged(String text, long since) {
    return logged(Pattern.compile(Pattern.quote(text)), since);
  }

  /** When the balancer first logged a line {@code pattern} finds in, at or after {@code since}. */
  Optional<Long> logged(Pattern pattern, long since) {
    if (log == null) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(log)) {
        Matcher m = LOG_LINE.matcher(line);
        if (m.matches() && pattern.matcher(line).find()) {
          long at = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
          if (at >= since) {
            return Optional.of(at);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    if (process == null || !STARTED.remove(this)) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
