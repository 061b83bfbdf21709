package dev.lb.tls;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The certificates of the balancer's HTTPS listener, shared by all its instances, and their rotation without a
 * restart: every {@code tls.reload.ms} the files are read (a digest of a few kilobytes) and, once a change has held
 * still for one period (a certificate and its key are seldom written at the same instant), loaded and checked again;
 * a SIGHUP loads them at once. A good new pair goes to the listener through Vert.x's {@code updateSSLOptions}: new
 * connections get it, connections already open keep theirs. A bad one is logged once and the old certificate kept.
 */
public final class CertificateWatcher {

  private static final System.Logger LOG = System.getLogger(CertificateWatcher.class.getName());

  private final TlsSettings settings;
  private final SSLEngineOptions engine;
  private final List<NetServer> servers = new ArrayList<>();
  private final Runnable onHangup = this::hangup;
  private volatile ServerTls current;
  private Context context;
  private long timer = -1;
  private boolean hangupHeard;
  /** A digest seen once, waiting to be seen again unchanged before it is loaded. */
  private byte[] pending;
  /** The digest of files that failed to load: not tried again until they change. */
  private byte[] failed;
  private boolean busy;

  /** Loads the files now: a {@link TlsFileException} if they cannot serve. */
  public CertificateWatcher(TlsSettings settings) {
    this.settings = settings;
    this.engine = TlsEngine.options(settings.engine());
    this.current = ServerTls.load(settings);
    current.warnOfExpiry();
  }

  /** What is served now. */
  public ServerTls current() {
    return current;
  }

  public SSLEngineOptions engine() {
    return engine;
  }

  /** {@code base} made the options of an HTTPS listener serving the current certificates. */
  public NetServerOptions serverOptions(NetServerOptions base) {
    return current.apply(base, engine);
  }

  /** {@code server} listens with these certificates: it gets each rotation; the first one starts the watching. */
  public synchronized void attach(Vertx vertx, NetServer server) {
    servers.add(server);
    if (servers.size() > 1) {
      return;
    }
    context = vertx.getOrCreateContext();
    if (settings.reloadMs() > 0) {
      timer = vertx.setPeriodic(settings.reloadMs(), t -> poll());
    }
    hangupHeard = Hangup.add(onHangup);
  }

  /** {@code server} is closing; after the last one the watching stops. */
  public synchronized void detach(Vertx vertx, NetServer server) {
    servers.remove(server);
    if (!servers.isEmpty()) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (hangupHeard) {
      Hangup.remove(onHangup);
      hangupHeard = false;
    }
  }

  /** Reads the files and loads them if they changed and held still for a period. On the watcher's context. */
  private void poll() {
    if (busy) {
      return;
    }
    busy = true;
    context.executeBlocking(() -> ServerTls.digest(settings), false).onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        LOG.log(Level.WARNING, "could not read the certificate files: {0}", ar.cause().toString());
        return;
      }
      byte[] digest = ar.result();
      if (Arrays.equals(digest, current.digest())) {
        pending = null;
      } else if (!Arrays.equals(digest, pending)) {
        pending = digest;
      } else if (!Arrays.equals(digest, failed)) {
        reload("the files changed");
      }
    });
  }

  private void hangup() {
    Context ctx;
    synchronized (this) {
      ctx = context;
    }
    if (ctx != null) {
      ctx.runOnContext(v -> reload("SIGHUP"));
    }
  }

  /**
   * Loads the files and, if they serve, gives them to the listener; completes with whether the certificates changed.
   * A failure is logged (the file and the reason, one line) and the old certificates stay.
   */
  public Future<Boolean> reload(String why) {
    Context ctx;
    NetServer server;
    synchronized (this) {
      ctx = context;
      server = servers.isEmpty() ? null : servers.get(0);
    }
    if (ctx == null || server == null) {
      return Future.failedFuture("no HTTPS listener to reload");
    }
    busy = true;
    return ctx.executeBlocking(() -> ServerTls.load(settings), false)
        .compose(next -> server.updateSSLOptions(next.sslOptions(engine), true).map(updated -> {
          current = next;
          pending = null;
          failed = null;
          LOG.log(Level.INFO, "HTTPS certificate reloaded ({0}): {1}", why, next.primary().describe());
          next.warnOfExpiry();
          return true;
        }))
        .recover(err -> {
          failed = pending != null ? pending : ServerTls.digest(settings);
          pending = null;
          LOG.log(Level.ERROR, "HTTPS certificate not reloaded ({0}); the old one is kept: {1}", why,
              err instanceof TlsFileException ? err.getMessage() : err.toString());
          return Future.succeededFuture(false);
        })
        .onComplete(ar -> busy = false);
  }
}
