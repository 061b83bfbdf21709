package dev.lb.keeper;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lb.server.Lease;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Holds a replica command of one's own on a lease, as the built-in server holds itself: in clustered mode a replica
 * must outlive the node that started it (another node's manager adopts it), yet not run for good when no manager is
 * left. The keeper runs the command as its child and stands in front of the command's health path on a port of its
 * own: the heartbeat probes the keeper, which takes the probe's lease claim ({@link Lease#HEADER}) and answers with
 * the service's own health. Once no manager has claimed it for the lease period, it stops the service (SIGTERM, then
 * SIGKILL) and exits; a claim of an older epoch than the newest seen is refused with {@code 409} and the newest epoch.
 * The child is started through {@code setpriv --pdeathsig KILL}, so it ends with the keeper however that ends.
 *
 * <p>The lease is claimed on the HTTP server's thread and checked on the main one, under its lock. Plain JDK (its HTTP
 * server and {@code HttpURLConnection}), no Vert.x, so that it stays small:
 * {@code java -cp load-balancer.jar dev.lb.keeper.LeaseKeeper --lease-ms 10000 --port 41000 --service 10.0.0.2:41001
 * --health-path /health -- python3 app.py}.
 */
public final class LeaseKeeper {

  private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final int PROBE_TIMEOUT_MS = 1000;
  private static final long STOP_GRACE_MS = 2000;

  private final KeeperOptions options;
  private final Lease lease;
  private Process child;

  private LeaseKeeper(KeeperOptions options) {
    this.options = options;
    this.lease = new Lease(options.leaseMs(), System.nanoTime());
  }

  public static void main(String[] args) throws Exception {
    KeeperOptions options;
    try {
      options = KeeperOptions.parse(args);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.ERROR, "lease keeper: {0}", e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new LeaseKeeper(options).run());
  }

  /** Runs the service until it exits (its exit code) or its lease runs out (0). */
  private int run() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETPRIV)) {
      command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
    }
    command.addAll(options.command());
    child = new ProcessBuilder(command).inheritIO().start();
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopChild, "keeper-stop"));
    HttpServer server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 16);
    server.createContext("/", this::probe);
    server.start();
    try {
      while (!child.waitFor(Math.max(10, options.leaseMs() / 4), TimeUnit.MILLISECONDS)) {
        boolean expired;
        synchronized (lease) {
          expired = lease.expired(System.nanoTime());
        }
        if (expired) {
          LOG.log(Level.WARNING, "no replica manager claimed ''{0}'' for {1} ms; stopping it", String.join(" ",
              options.command()), options.leaseMs());
          stopChild();
          return 0;
        }
      }
      return child.exitValue();
    } finally {
      server.stop(0);
    }
  }

  /** A probe of the heartbeat (or the start-up wait): its claim taken, then the service's health answered. */
  private void probe(HttpExchange exchange) throws IOException {
    try (exchange) {
      String claim = exchange.getRequestHeaders().getFirst(Lease.HEADER);
      boolean refused;
      long newest;
      synchronized (lease) {
        refused = claim != null && !lease.claim(epoch(claim), System.nanoTime());
        newest = lease.newestEpoch();
      }
      if (refused) {
        exchange.getResponseHeaders().add(Lease.HEADER, String.valueOf(newest));
        exchange.sendResponseHeaders(409, -1);
        return;
      }
      exchange.sendResponseHeaders(serviceHealth(), -1);
    }
  }

  /** The status the service answers its health path with; 503 if it does not answer in time. */
  private int serviceHealth() {
    try {
      URI uri = URI.create("http://" + options.service() + options.healthPath());
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(PROBE_TIMEOUT_MS);
      connection.setReadTimeout(PROBE_TIMEOUT_MS);
      try {
        return connection.getResponseCode();
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return 503;
    }
  }

  private static long epoch(String claim) {
    try {
      return Long.parseLong(claim.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** SIGTERM to the service, SIGKILL after the grace period. */
  private void stopChild() {
    if (child == null || !child.isAlive()) {
      return;
    }
    child.destroy();
    try {
      if (!child.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
        child.destroyForcibly().waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
