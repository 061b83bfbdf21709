package dev.lb;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Client work a test starts from its own thread, run on a Vert.x context instead. Started from a thread outside
 * Vert.x, an HTTP client's response could end before the test's {@code resp.body()} was called, and that body never
 * came (Vert.x 5.0.7; a few requests in 2,400 with the CPU busy, and no timeout fired); started on a context, none
 * did: {@link ClientThreadExperiment} measures it.
 */
public final class OnContext {

  private OnContext() {}

  /** {@code work}'s future, started on a new context of {@code vertx} if the caller is outside Vert.x. */
  public static <T> Future<T> run(Vertx vertx, Supplier<Future<T>> work) {
    return Vertx.currentContext() != null ? work.get() : run(vertx.getOrCreateContext(), work);
  }

  /** {@code work}'s future, started on {@code context}. */
  public static <T> Future<T> run(Context context, Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(result));
    return result.future();
  }
}
