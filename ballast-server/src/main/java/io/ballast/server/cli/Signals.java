package io.ballast.server.cli;

import io.ballast.server.Node;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signal handling: SIGTERM and SIGINT stop the node gracefully and exit 0 (a JVM shutdown hook
 * alone would exit 143 and race the drain); SIGUSR1 reopens access-log files (registered by {@code
 * run} through {@link #handle}); later parts add SIGHUP (reload).
 *
 * <p>The JDK has no public signal API; {@code sun.misc.Signal} (module jdk.unsupported) is the one
 * every JVM server uses. It is reached reflectively so the build stays warning-free.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Stops {@code node} gracefully on SIGTERM/SIGINT, then exits 0. */
  static void onTermination(Node node) {
    Runnable stop =
        () -> {
          node.shutdown();
          System.exit(0);
        };
    handle("TERM", stop);
    handle("INT", stop);
  }

  /**
   * Whether SIGUSR2 is ours to handle. HotSpot suspends and resumes threads with SIGUSR2 unless
   * {@code _JAVA_SR_SIGNUM} names another signal; a handler on it would also run whenever the JVM
   * suspends a thread (every JFR execution sample).
   */
  public static boolean userSignal2Free() {
    String sr = System.getenv("_JAVA_SR_SIGNUM");
    return sr != null && !sr.isBlank() && !sr.strip().equals("12");
  }

  /**
   * Runs {@code action} on a new thread whenever the named signal arrives.
   *
   * @return false if signals cannot be handled on this JVM
   */
  public static boolean handle(String signal, Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> ctor = signalClass.getConstructor(String.class);
      Object sig = ctor.newInstance(signal);
      Object handler =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  new Thread(action, "ballast-sig" + signal.toLowerCase(java.util.Locale.ROOT))
                      .start();
                  return null;
                }
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "SignalHandler(" + signal + ")";
                };
              });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      handle.invoke(null, sig, handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot handle SIG{} on this JVM: {}", signal, e.toString());
      return false;
    }
  }
}
