package dev.lb.loadtest.load;

/**
 * A host and port something listens on; for a replica, also its process.
 *
 * @param host the address, a loopback one here
 * @param port the TCP port
 * @param pid  the process listening, or 0 if not known
 */
public record Endpoint(String host, int port, long pid) {

  /** {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }

  /** {@code http://host:port}. */
  public String url() {
    return "http://" + address();
  }
}
