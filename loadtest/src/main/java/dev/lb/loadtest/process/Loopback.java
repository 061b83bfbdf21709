package dev.lb.loadtest.process;

import dev.lb.loadtest.load.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports on 127.0.0.1, the only address the tool uses: one free for a process to bind, and waiting until one listens. */
public final class Loopback {

  private Loopback() {}

  /** A port free on loopback now, for a process of the tool's own to bind. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /** Waits until something accepts connections at {@code endpoint}, failing early if {@code process} exits. */
  public static void awaitListening(Endpoint endpoint, Process process, long timeoutMs) {
    boolean listening = Wait.until(() -> {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("it exited with status " + process.exitValue());
      }
      return accepts(endpoint);
    }, timeoutMs, 50);
    if (!listening) {
      throw new IllegalStateException("nothing listens on " + endpoint.address() + " after " + timeoutMs + " ms");
    }
  }

  private static boolean accepts(Endpoint endpoint) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
