package dev.lb.discovery;

import dev.lb.replica.Discovery.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import java.util.List;
import java.util.function.Function;

/**
 * A DNS name's addresses, asked of the resolver at each look: Vert.x's {@link DnsClient} sends every question (no cache,
 * unlike the JVM's {@code InetAddress} and Vert.x's own address resolver, which keep answers for their TTL: Docker's
 * embedded DNS gives 600 s). It asks the system's first name server ({@code /etc/resolv.conf}; 127.0.0.11 inside a
 * Docker network) for A records, and for AAAA records if there are none. Addresses are listed in text order.
 */
public final class DnsLookup implements Lookup {

  private final String name;
  private final int port;
  private final Function<String, Future<List<String>>> resolve;
  private final DnsClient client;

  /**
   * Looks up {@code name} with {@code resolve} (a name to its addresses); each address is a replica on {@code port}.
   * For tests, a scripted resolver; see {@link #of} for the real one.
   */
  public DnsLookup(String name, int port, Function<String, Future<List<String>>> resolve) {
    this(name, port, resolve, null);
  }

  private DnsLookup(String name, int port, Function<String, Future<List<String>>> resolve, DnsClient client) {
    this.name = name;
    this.port = port;
    this.resolve = resolve;
    this.client = client;
  }

  /** Asks the system's name server, each question waiting at most {@code timeoutMs}. */
  public static DnsLookup of(Vertx vertx, String name, int port, long timeoutMs) {
    return of(vertx, name, port, new DnsClientOptions().setQueryTimeout(timeoutMs));
  }

  /** Asks the name server {@code options} name (the system's if they name none). */
  static DnsLookup of(Vertx vertx, String name, int port, DnsClientOptions options) {
    DnsClient client = vertx.createDnsClient(options);
    return new DnsLookup(name, port, n -> client.resolveA(n)
        .compose(v4 -> v4.isEmpty() ? client.resolveAAAA(n) : Future.succeededFuture(v4)), client);
  }

  @Override
  public Future<List<Endpoint>> look() {
    return resolve.apply(name).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(new IllegalStateException(why(ar.cause()), ar.cause()));
      }
      // in one order whatever order the server gives (it rotates them): ring ids are given in the listing's order
      return Future.succeededFuture(ar.result().stream().sorted().distinct().map(ip -> new Endpoint(ip, port)).toList());
    });
  }

  private String why(Throwable err) {
    if (err instanceof DnsException dns) {
      return "'" + name + "' does not resolve (" + dns.code().name() + ")";
    }
    return "'" + name + "' could not be resolved: " + (err.getMessage() == null ? err.getClass().getSimpleName()
        : err.getMessage());
  }

  @Override
  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
