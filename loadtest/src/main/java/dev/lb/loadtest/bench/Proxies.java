package dev.lb.loadtest.bench;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.process.Children;
import dev.lb.loadtest.process.Loopback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the reference proxies in the foreground as children of this JVM, their configuration and log written into the
 * output folder, and finds the processes whose CPU and memory count as theirs.
 */
public final class Proxies {

  private static final long START_TIMEOUT_MS = 15_000;

  private Proxies() {}

  /**
   * A proxy this tool started.
   *
   * @param name     how tables name it
   * @param process  the process (nginx: the master)
   * @param endpoint where it listens
   */
  public record Started(String name, Process process, Endpoint endpoint) {

    /** The process and its descendants (nginx's workers), whose CPU time and memory are the proxy's. */
    public List<Long> pids() {
      List<Long> pids = new ArrayList<>();
      pids.add(process.pid());
      process.descendants().forEach(p -> pids.add(p.pid()));
      return pids;
    }

    public void stop() {
      Children.stop(process.toHandle());
    }
  }

  /** HAProxy in front of {@code servers}, configured by {@code <dir>/<name>.cfg}. */
  public static Started haproxy(Path exe, Path dir, String name, List<Endpoint> servers) {
    return haproxy(exe, dir, name, servers, null);
  }

  /** As above, terminating TLS with {@code tls} if not null. */
  public static Started haproxy(Path exe, Path dir, String name, List<Endpoint> servers, BenchCertificate tls) {
    int port = Loopback.freePort();
    Path cfg = write(dir.resolve(name + ".cfg"), ProxyConfigs.haproxy(port, servers, tls));
    ProcessBuilder builder = new ProcessBuilder(exe.toString(), "-f", cfg.toString(), "-db");
    return started(name, builder, dir.resolve(name + ".log"), port);
  }

  /** nginx in front of {@code servers}, configured by {@code <dir>/<name>.conf}, its prefix {@code dir}. */
  public static Started nginx(Path exe, Path dir, String name, List<Endpoint> servers) {
    return nginx(exe, dir, name, servers, false, null);
  }

  /** nginx as {@link #nginx} starts it, but streaming bodies both ways, for the large transfers. */
  public static Started nginxStreaming(Path exe, Path dir, String name, List<Endpoint> servers) {
    return nginx(exe, dir, name, servers, true, null);
  }

  /** As {@link #nginx}, terminating TLS with {@code tls}. */
  public static Started nginx(Path exe, Path dir, String name, List<Endpoint> servers, BenchCertificate tls) {
    return nginx(exe, dir, name, servers, false, tls);
  }

  private static Started nginx(Path exe, Path dir, String name, List<Endpoint> servers, boolean streaming,
      BenchCertificate tls) {
    int port = Loopback.freePort();
    Path d = dir.toAbsolutePath();
    try {
      Files.createDirectories(d.resolve("nginx-temp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path conf = write(d.resolve(name + ".conf"), ProxyConfigs.nginx(port, servers, d, streaming, tls));
    ProcessBuilder builder = new ProcessBuilder(exe.toString(), "-p", d.toString(), "-e",
        d.resolve("nginx-error.log").toString(), "-c", conf.toString());
    return started(name, builder, d.resolve(name + ".log"), port);
  }

  private static Started started(String name, ProcessBuilder builder, Path log, int port) {
    Process process = Children.start(builder.redirectErrorStream(true).redirectOutput(log.toFile()));
    Endpoint endpoint = new Endpoint("127.0.0.1", port, process.pid());
    try {
      Loopback.awaitListening(endpoint, process, START_TIMEOUT_MS);
    } catch (RuntimeException e) {
      Children.stop(process.toHandle());
      throw new IllegalStateException(name + " did not start: " + e.getMessage() + "; see " + log, e);
    }
    return new Started(name, process, endpoint);
  }

  private static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
