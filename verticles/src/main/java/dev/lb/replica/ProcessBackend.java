package dev.lb.replica;

import dev.lb.config.Settings;
import dev.lb.keeper.KeeperOptions;
import dev.lb.keeper.LeaseKeeper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each replica is a child process on its own port of {@code replica.host}: this program's {@code server} command, or
 * the user's own {@code replica.command}.
 *
 * <p>Without a lease, a replica ends with this process however it ends, even by {@code kill -9}: the built-in server
 * exits when its standard input (a pipe from here) closes, and a command of the user's own is started through
 * {@code setpriv --pdeathsig KILL}, so the kernel kills it when its parent goes. With a lease (clustered), replicas
 * outlive this process, so that another node's manager can adopt them, and end once no manager has probed them for
 * the lease period: the built-in server by itself, a command of one's own by its {@link LeaseKeeper}, which the
 * heartbeat probes in its place.
 */
final class ProcessBackend extends TrackedBackend {

  static final String LAUNCHER = "dev.lb.launcher.Main";
  /** A lease keeper is a JDK HTTP server and a child process: the smallest JVM that runs it (see the README). */
  static final List<String> KEEPER_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-XX:CICompilerCount=1", "-Xms4m", "-Xmx16m", "-Xss256k", "-XX:MaxMetaspaceSize=32m", "-XX:-UsePerfData",
      "-Xshare:auto");
  private static final System.Logger LOG = System.getLogger(ProcessBackend.class.getName());
  private static final String SETPRIV = "/usr/bin/setpriv";
  private static final File NO_INPUT = new File("/dev/null");

  /** A replica process this backend can signal; {@code gone} completes when it has exited. */
  private record Running(ProcessHandle handle, Future<Void> gone) { }

  private final Map<String, Running> processes = new HashMap<>();

  ProcessBackend(Vertx vertx, ReplicaSettings settings) {
    super(vertx, settings);
  }

  @Override
  protected Future<Replica> launch(String name, int ringId) {
    return vertx.executeBlocking(() -> spawn(ringId)).map(process -> {
      Replica replica = new Replica(name, ringId, settings.host(), process.port, String.valueOf(process.child.pid()),
          process.healthPort);
      watch(replica, process.child.toHandle(), process.child.onExit().thenApply(p -> "exited with code " + p.exitValue()));
      LOG.log(Level.DEBUG, "started replica ''{0}'' (ring id {1}) as pid {2} on {3}", name, ringId, replica.instance(),
          replica.address());
      return replica;
    });
  }

  /** A replica process, listening on {@code port}, its health probed on {@code healthPort}. */
  private record Spawned(Process child, int port, int healthPort) { }

  private Spawned spawn(int ringId) throws IOException {
    String port = String.valueOf(freePort(settings.host()));
    int healthPort = Integer.parseInt(port);
    List<String> command = new ArrayList<>();
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    if (settings.builtIn()) {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(settings.jvmOptions());
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), LAUNCHER, "server",
          "--host", settings.host(), "--port", port, "--id", String.valueOf(ringId)));
      if (settings.leased()) {
        command.addAll(List.of("--lease-ms", String.valueOf(settings.leaseMs())));
        builder.redirectInput(NO_INPUT);
      } else {
        command.add("--exit-with-parent");
      }
    } else {
      List<String> own = settings.command().stream().map(word -> word.replace("{port}", port)
          .replace("{id}", String.valueOf(ringId)).replace("{host}", settings.host())).toList();
      if (settings.leased()) {
        // held by a lease keeper of this program's, which the heartbeat probes instead
        healthPort = freePort(settings.host());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(KEEPER_JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LeaseKeeper.class.getName()));
        command.addAll(KeeperOptions.arguments(settings.leaseMs(), settings.host(), healthPort, Integer.parseInt(port),
            settings.healthPath(), own));
      } else {
        if (Files.isExecutable(Path.of(SETPRIV))) {
          command.addAll(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        }
        command.addAll(own);
      }
      builder.redirectInput(NO_INPUT);
    }
    // the balancer's secrets are its own: a replica (or a command of the user's) never inherits them
    builder.environment().keySet().removeAll(Settings.SECRET_VARIABLES);
    builder.environment().put("PORT", port);
    builder.environment().put("SERVER_ID", String.valueOf(ringId));
    return new Spawned(builder.start(), Integer.parseInt(port), healthPort);
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  /** Tracks {@code replica}, whose process {@code handle} ends with {@code exit} (how it ended, for the log). */
  private void watch(Replica replica, ProcessHandle handle, java.util.concurrent.CompletionStage<String> exit) {
    Promise<Void> gone = Promise.promise();
    processes.put(replica.instance(), new Running(handle, gone.future()));
    track(replica);
    exit.whenComplete((how, err) -> context.runOnContext(v -> {
      processes.remove(replica.instance());
      gone.complete();
      exited(replica.instance(), how != null ? how : "exited");
    }));
  }

  /**
   * With a lease, the replicas of {@code previous} that still answer: the ones on this host are watched and can be
   * stopped as if started here; others (started by a node on another host) are reached, probed and routed to, and
   * end by their lease once no manager claims them.
   */
  @Override
  public Future<List<Replica>> adopt(List<Replica> previous) {
    if (!settings.leased() || previous.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Readiness probe = readiness();
    List<Future<Replica>> checks = new ArrayList<>();
    for (Replica replica : previous) {
      checks.add(probe.answers(replica.host(), replica.healthPort()).map(ok -> ok ? adopted(replica) : null));
    }
    return Future.join(checks).map(all -> checks.stream().map(Future::result).filter(r -> r != null).toList());
  }

  private Replica adopted(Replica replica) {
    Optional<ProcessHandle> local = replica.host().equals(settings.host())
        ? parsePid(replica.instance()).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive) : Optional.empty();
    if (local.isPresent()) {
      watch(replica, local.get(), local.get().onExit().thenApply(p -> "exited"));
    } else {
      track(replica);
    }
    LOG.log(Level.DEBUG, "adopted replica ''{0}'' (ring id {1}, pid {2}) on {3}{4}", replica.name(), replica.ringId(),
        replica.instance(), replica.address(), local.isPresent() ? "" : " (another host's process: left to its lease)");
    return replica;
  }

  private static Optional<Long> parsePid(String instance) {
    try {
      return Optional.of(Long.parseLong(instance));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** SIGTERM, then SIGKILL after {@code graceMs} (at once if 0); completes when the process has exited. */
  @Override
  protected Future<Void> terminate(Replica replica, long graceMs) {
    Running run = processes.get(replica.instance());
    if (run == null) {
      return Future.succeededFuture();
    }
    if (graceMs == 0) {
      run.handle.destroyForcibly();
      return run.gone;
    }
    run.handle.destroy();
    long force = vertx.setTimer(graceMs, t -> {
      LOG.log(Level.WARNING, "replica ''{0}'' (pid {1}) ignored SIGTERM for {2} ms; killing it", replica.name(),
          replica.instance(), graceMs);
      run.handle.destroyForcibly();
    });
    return run.gone.onComplete(ar -> vertx.cancelTimer(force));
  }
}
