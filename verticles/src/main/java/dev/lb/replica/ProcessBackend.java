package dev.lb.replica;

import dev.lb.config.ConfigKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each replica is a child JVM running this program's {@code server} command on its own port of {@code replica.host}.
 *
 * <p>A child reads its standard input, which is a pipe from this process, and exits when it closes: so a replica
 * never outlives its balancer, even one killed with {@code kill -9}.
 */
final class ProcessBackend implements ReplicaBackend {

  static final String LAUNCHER = "dev.lb.launcher.Main";
  private static final System.Logger LOG = System.getLogger(ProcessBackend.class.getName());
  private static final long STOP_GRACE_MS = 2000;

  private final Vertx vertx;
  private final Context context;
  private final JsonObject config;
  private final Readiness readiness;
  private final Map<String, Running> running = new HashMap<>();
  private Handler<Replica> exitHandler = r -> { };
  private boolean closed;

  /** A child process this backend started; {@code stopping} tells an expected exit from a crash. */
  private static final class Running {
    final Replica replica;
    final Process process;
    final Future<Integer> exit;
    boolean stopping;

    Running(Replica replica, Process process, Future<Integer> exit) {
      this.replica = replica;
      this.process = process;
      this.exit = exit;
    }
  }

  ProcessBackend(Vertx vertx, JsonObject config, WebClient client) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.readiness = new Readiness(vertx, client);
  }

  @Override
  public Future<Replica> start(String name, int ringId) {
    String host = config.getString(ConfigKeys.REPLICA_HOST, "127.0.0.1");
    long timeout = config.getLong(ConfigKeys.REPLICA_START_TIMEOUT_MS, 30_000L);
    return vertx.executeBlocking(() -> spawn(name, host)).compose(spawned -> {
      Replica replica = new Replica(name, ringId, host, spawned.port, String.valueOf(spawned.process.pid()));
      Running run = track(replica, spawned.process);
      if (closed) {
        // spawned while close() ran: nobody would own it
        return stop(replica).transform(ar -> Future.failedFuture("the backend is closing"));
      }
      LOG.log(Level.INFO, "started replica ''{0}'' (ring id {1}) as pid {2} on {3}:{4,number,#}", name, ringId,
          replica.instance(), host, spawned.port);
      return readiness.await(name, host, spawned.port, timeout, spawned.process::isAlive)
          .map(replica)
          .recover(err -> stop(run.replica).transform(ignored -> Future.failedFuture(err)));
    });
  }

  private record Spawned(Process process, int port) { }

  private Spawned spawn(String name, String host) throws IOException {
    int port = freePort(host);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options(config.getString(ConfigKeys.REPLICA_JVM_OPTIONS, "")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LAUNCHER, "server",
        "--host", host, "--port", String.valueOf(port), "--exit-with-parent"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("SERVER_ID", name);
    return new Spawned(builder.start(), port);
  }

  private static List<String> options(String options) {
    return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  private Running track(Replica replica, Process process) {
    Promise<Integer> exit = Promise.promise();
    Running run = new Running(replica, process, exit.future());
    running.put(replica.instance(), run);
    process.onExit().thenAccept(p -> context.runOnContext(v -> {
      running.remove(replica.instance());
      exit.complete(p.exitValue());
      if (!run.stopping) {
        LOG.log(Level.WARNING, "replica ''{0}'' (pid {1}) exited unexpectedly with code {2,number,#}", replica.name(),
            replica.instance(), p.exitValue());
        exitHandler.handle(replica);
      }
    }));
    return run;
  }

  @Override
  public Future<Void> stop(Replica replica) {
    return end(replica, STOP_GRACE_MS);
  }

  @Override
  public Future<Void> kill(Replica replica) {
    return end(replica, 0);
  }

  /** SIGTERM, then SIGKILL after {@code graceMs} (at once if 0); completes when the process has exited. */
  private Future<Void> end(Replica replica, long graceMs) {
    Running run = running.get(replica.instance());
    if (run == null) {
      return Future.succeededFuture();
    }
    run.stopping = true;
    if (graceMs == 0) {
      run.process.destroyForcibly();
      return run.exit.mapEmpty();
    }
    run.process.destroy();
    long force = vertx.setTimer(graceMs, t -> {
      LOG.log(Level.WARNING, "replica ''{0}'' (pid {1}) ignored SIGTERM for {2} ms; killing it", replica.name(),
          replica.instance(), graceMs);
      run.process.destroyForcibly();
    });
    return run.exit.onComplete(ar -> vertx.cancelTimer(force)).mapEmpty();
  }

  @Override
  public void exitHandler(Handler<Replica> handler) {
    this.exitHandler = handler;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> stops = new ArrayList<>();
    List.copyOf(running.values()).forEach(run -> stops.add(stop(run.replica)));
    return Future.join(stops).mapEmpty();
  }
}
