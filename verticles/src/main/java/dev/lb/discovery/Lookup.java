package dev.lb.discovery;

import dev.lb.replica.Discovery.Endpoint;
import io.vertx.core.Future;
import java.util.List;

/** One look at where the replicas are: the fixed list of addresses, or a DNS name resolved now. */
@FunctionalInterface
public interface Lookup {

  /** The replicas listed now; fails with a message that says why nothing could be listed. */
  Future<List<Endpoint>> look();

  /** Frees what the look-up holds (a DNS client's socket). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
