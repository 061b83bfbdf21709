package dev.lb.launcher;

import dev.lb.server.ServerSettings;
import dev.lb.server.ServerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one server replica: what the process backend and the Docker image start. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Runs one server replica: GET /home and GET /heartbeat.")
final class ServerCommand implements Callable<Integer> {

  private static final System.Logger LOG = System.getLogger(ServerCommand.class.getName());

  @Option(names = "--id", defaultValue = "${env:SERVER_ID:-1}",
      description = "Numeric server id shown by /home: the replica's ring id (env SERVER_ID).")
  private int id;

  @Option(names = "--port", defaultValue = "${env:PORT:-5000}", description = "HTTP port (env PORT, default 5000).")
  private int port;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default 0.0.0.0).")
  private String host;

  @Option(names = "--exit-with-parent",
      description = "Exit when standard input closes: the process backend keeps a pipe open for as long as it lives.")
  private boolean exitWithParent;

  @Option(names = "--lease-ms", defaultValue = "${env:LEASE_MS:-0}",
      description = "Clustered: exit once no replica manager has probed /heartbeat for this long (env LEASE_MS; 0: never).")
  private long leaseMs;

  @Option(names = "--drain-ms", defaultValue = "${env:DRAIN_MS:-0}",
      description = "On SIGTERM, answer /heartbeat 503 for this long while still serving, so that balancers stop "
          + "sending requests before it exits (env DRAIN_MS; 0: exit at once).")
  private long drainMs;

  @Override
  public Integer call() {
    // A replica serves two tiny endpoints: one event loop and small pools keep its footprint and start time low.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    ServerVerticle server = new ServerVerticle(new ServerSettings(String.valueOf(id), host, port, leaseMs));
    Shutdown.onExit((timeout, unit) -> {
      drain(server, Math.min(drainMs, unit.toMillis(timeout) / 2));
      vertx.close().await(timeout, unit);
    });
    try {
      vertx.deployVerticle(server).await();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "server replica " + id + " could not listen on " + host + ":" + port, e);
      return 1;
    }
    if (exitWithParent) {
      watchParent(System.in);
    }
    return 0;
  }

  /** A lame duck for {@code ms}: it serves on while its heartbeat says it is going, then the caller stops it. */
  private void drain(ServerVerticle server, long ms) {
    if (ms <= 0) {
      return;
    }
    LOG.log(Level.INFO, "server replica {0} stops: its heartbeat answers 503 for {1} ms before it closes", id, ms);
    server.drain();
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watchParent(InputStream parent) {
    Thread watcher = new Thread(() -> {
      try {
        while (parent.read() >= 0) {
          // the parent never writes; any byte is ignored
        }
      } catch (IOException e) {
        LOG.log(Level.WARNING, "lost the pipe to the parent process: {0}", e.getMessage());
      }
      LOG.log(Level.INFO, "parent process gone; server replica {0} exits", id);
      System.exit(0);
    }, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
