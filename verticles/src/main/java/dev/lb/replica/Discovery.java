package dev.lb.replica;

import io.vertx.core.Future;
import java.util.List;

/**
 * Replicas that someone else runs (an orchestrator, or the user), as a source lists them: the set of a backend whose
 * replicas are not this manager's to start or stop (see {@link ReplicaBackend#discovery}). The manager follows the
 * listing: an address listed joins the set and keeps its ring id for as long as it is listed; one no longer listed
 * leaves it (drained first); a look-up that fails leaves the set as it was.
 */
public interface Discovery {

  /** Where one replica is reached; its name in {@code /rep} is {@code host:port}. */
  record Endpoint(String host, int port) {

    /** Reads {@code host:port} ({@code [v6]:port} for an IPv6 address); fails with a message that says what is wrong. */
    public static Endpoint parse(String text) {
      String address = text.trim();
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || colon == address.length() - 1) {
        throw new IllegalArgumentException("'" + text + "' is not host:port");
      }
      String host = address.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has no port number after its last ':'", e);
      }
      if (port < 1 || port > 65535 || host.isBlank() || host.contains(":") && !text.contains("[")) {
        throw new IllegalArgumentException("'" + text + "' is not host:port with a port from 1 to 65535");
      }
      return new Endpoint(host, port);
    }

    /** Its name: {@code host:port}. */
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** What a listing tells, on the manager's event loop. */
  interface Listener {

    /** The source lists these replicas now (never none); told after every look-up, changed or not. */
    void listed(List<Endpoint> endpoints);

    /** A look-up failed ({@code why}: a name that no longer resolves, a resolver that does not answer). */
    void failed(String why);
  }

  /** What lists the replicas, for logs and the node's state: {@code "LB_REPLICA_ADDRESSES"}, {@code "DNS name replica"}. */
  String source();

  /** Starts listing: {@code listener} hears the first look-up as soon as it is done, then every later one. */
  void start(Listener listener);

  /**
   * Completes once a newly listed replica answers its health path, so that it takes no request before it can serve;
   * fails if it has not within the start timeout ({@code replica.start.timeout.ms}).
   */
  Future<Void> ready(Endpoint endpoint);

  /** Stops listing; nothing more is told. */
  void stop();
}
