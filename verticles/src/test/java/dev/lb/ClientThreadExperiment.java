package dev.lb;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Not a test (its name keeps it out of the build's runs): measures what {@link OnContext} is for. Requests through
 * the balancer with Vert.x's core client, each {@code request → send → body}, started from the test's thread and
 * started on a context, while two threads keep the CPU busy (the race shows under load, as in CI); prints how many
 * of each never got their body within 5 s. Run it with
 * {@code mvn -B -pl verticles test-compile surefire:test -Dtest=ClientThreadExperiment}.
 */
class ClientThreadExperiment {

  private static final int SYSTEMS = 30;
  private static final int REQUESTS = 80;

  @Test
  void requestsStartedFromTheTestsThreadAndOnAContext() throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> busy = List.of(new Thread(() -> spin(running)), new Thread(() -> spin(running)));
    busy.forEach(Thread::start);
    int[] lost = new int[2];
    for (int s = 0; s < SYSTEMS; s++) {
      Vertx vertx = Vertx.vertx();
      TestSystem system = TestSystem.deploy(vertx, TestSystem.config(), new ScriptedReplicaBackend(vertx)).await();
      HttpClient client = vertx.createHttpClient();
      for (int k = 0; k < REQUESTS; k++) {
        Supplier<Future<String>> get = () -> client.request(new RequestOptions().setHost("127.0.0.1")
                .setPort(system.port()).setMethod(HttpMethod.GET).setURI("/home"))
            .compose(HttpClientRequest::send).compose(resp -> resp.body()).map(Object::toString);
        lost[0] += answered(get.get()) ? 0 : 1;
        lost[1] += answered(OnContext.run(vertx, get)) ? 0 : 1;
      }
      vertx.close().await();
    }
    running.set(false);
    for (Thread t : busy) {
      t.join();
    }
    int each = SYSTEMS * REQUESTS;
    System.out.printf("CLIENT THREADS: started from the test's thread, %d of %d requests never got their body within"
        + " 5 s; started on a context, %d of %d%n", lost[0], each, lost[1], each);
  }

  /** Keeps a core busy until {@code running} is cleared (a volatile read each turn, so the loop stays). */
  private static void spin(AtomicBoolean running) {
    while (running.get()) {
      // busy
    }
  }

  private static boolean answered(Future<String> body) {
    try {
      body.await(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
