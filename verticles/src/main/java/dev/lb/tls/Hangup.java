package dev.lb.tls;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SIGHUP as a request to re-read the certificates, as nginx and HAProxy take it. Through {@code sun.misc.Signal}
 * (module jdk.unsupported, open to every class path program on Java 17 without a flag), reached by reflection so that
 * a JDK without it only loses the signal: the files are still watched. While any action is registered the JVM's own
 * SIGHUP handling (a shutdown) is replaced; it is put back when the last one is removed.
 */
final class Hangup {

  private static final System.Logger LOG = System.getLogger(Hangup.class.getName());
  private static final CopyOnWriteArrayList<Runnable> ACTIONS = new CopyOnWriteArrayList<>();
  private static Object previous;
  private static boolean installed;

  private Hangup() {}

  /** Runs {@code action} on every SIGHUP until {@link #remove}; false if the signal cannot be had here. */
  static synchronized boolean add(Runnable action) {
    if (!installed) {
      installed = install();
      if (!installed) {
        return false;
      }
    }
    ACTIONS.add(action);
    return true;
  }

  /** Whether SIGHUP is taken now. */
  static synchronized boolean installed() {
    return installed;
  }

  static synchronized void remove(Runnable action) {
    ACTIONS.remove(action);
    if (ACTIONS.isEmpty() && installed) {
      try {
        handle().invoke(null, signal(), previous);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "could not restore the previous SIGHUP handler: {0}", e.toString());
      }
      installed = false;
      previous = null;
    }
  }

  private static boolean install() {
    try {
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      InvocationHandler dispatch = (proxy, method, args) -> switch (method.getName()) {
        case "handle" -> {
          ACTIONS.forEach(Runnable::run);
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> "SIGHUP: reload the TLS certificates";
      };
      Object handler = Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[] {handlerType}, dispatch);
      previous = handle().invoke(null, signal(), handler);
      if (previous == handlerType.getField("SIG_IGN").get(null)) {
        // the JVM leaves an ignored SIGHUP ignored (nohup) and installs nothing
        LOG.log(System.Logger.Level.INFO, "SIGHUP is ignored in this process (nohup?); the certificate files are watched");
        previous = null;
        return false;
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // -Xrs, a JVM without sun.misc.Signal, or SIGHUP ignored (nohup): the files are still watched
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      LOG.log(System.Logger.Level.INFO, "SIGHUP cannot reload the certificates here ({0}); the files are watched", cause.toString());
      return false;
    }
  }

  private static Object signal() throws ReflectiveOperationException {
    return Class.forName("sun.misc.Signal").getConstructor(String.class).newInstance("HUP");
  }

  private static Method handle() throws ReflectiveOperationException {
    Class<?> signalType = Class.forName("sun.misc.Signal");
    return signalType.getMethod("handle", signalType, Class.forName("sun.misc.SignalHandler"));
  }
}
