package dev.lb.launcher;

import dev.lb.config.ConfigKeys;
import dev.lb.config.Settings;
import dev.lb.tls.TlsCheck;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the load balancer with its replicas (the default command), or one server replica ({@code server}).
 * The only class that reads the environment.
 */
@Command(name = "load-balancer", mixinStandardHelpOptions = true, version = "load-balancer 1.0.0",
    subcommands = ServerCommand.class,
    description = "Consistent-hashing HTTP load balancer that keeps its server replicas alive.%n"
        + "Configuration: the embedded conf/config.json, then --config FILE, then LB_* environment variables.")
public final class Main implements Callable<Integer> {

  static {
    // before the first logger is made
    Logging.keepHandlersAtShutdown();
  }

  private static final System.Logger LOG = System.getLogger(Main.class.getName());

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:LB_CONFIG}",
      description = "JSON configuration file overlaying the embedded defaults (env LB_CONFIG).")
  private Path config;

  public static void main(String[] args) {
    Logging.setUp();
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    JsonObject conf;
    String tls;
    try {
      conf = Settings.load(config, System.getenv());
      Logging.format(conf.getString(ConfigKeys.LOG_FORMAT));
      // certificate files read and checked before anything starts: a bad one is one line, no stack trace
      tls = TlsCheck.check(conf);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.ERROR, "bad configuration: {0}", e.getMessage());
      return 2;
    }
    Deployment node;
    try {
      node = Deployment.start(conf).await();
    } catch (RuntimeException e) {
      // a setting checked only when it is used (a role, a transport, a cluster host) is still the configuration's fault
      boolean configuration = e instanceof IllegalArgumentException && e.getMessage() != null;
      LOG.log(Level.ERROR, configuration ? "bad configuration: " + e.getMessage() : "startup failed; stopping", e);
      return configuration ? 2 : 1;
    }
    Shutdown.onExit(node::stop);
    HeapCeiling.warning().ifPresent(w -> LOG.log(Level.WARNING, w));
    LOG.log(Level.INFO, "load balancer listening on {0}:{1,number,#} ({2} backend, {3} hash, key {4}, roles {5}{6}, heap"
        + " ceiling {7,number,#} MiB){8}",
        conf.getString(ConfigKeys.HTTP_HOST), conf.getInteger(ConfigKeys.HTTP_PORT), conf.getString(ConfigKeys.BACKEND),
        conf.getString(ConfigKeys.RING_HASH), conf.getString(ConfigKeys.KEY), conf.getString(ConfigKeys.ROLES),
        conf.getBoolean(ConfigKeys.CLUSTER_ENABLED) ? ", clustered" : "", HeapCeiling.mib(), tls.isEmpty() ? "" : "; " + tls);
    return 0;
  }
}
