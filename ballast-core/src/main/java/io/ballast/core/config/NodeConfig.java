package io.ballast.core.config;

import java.time.Duration;

/**
 * Process-wide settings ({@code node:} in the config).
 *
 * @param name this node's name in logs, metrics and (later) the cluster; defaults to the host name
 * @param eventLoops number of I/O event loops; 0 means one per available core
 * @param transport {@code auto} (native epoll where available, else NIO), {@code epoll} or {@code
 *     nio}
 * @param shutdownGrace how long a stopping node waits for in-flight requests before closing them
 * @param busyPolling whether event loops poll for I/O without ever sleeping (HAProxy's {@code
 *     busy-polling}): no wake-up of an idle core per request, at the price of each event loop's
 *     core always busy
 */
public record NodeConfig(
    String name, int eventLoops, Transport transport, Duration shutdownGrace, boolean busyPolling) {

  /** Settings with busy polling off, the default. */
  public NodeConfig(String name, int eventLoops, Transport transport, Duration shutdownGrace) {
    this(name, eventLoops, transport, shutdownGrace, false);
  }

  /** Which Netty transport to use for sockets. */
  public enum Transport {
    AUTO,
    EPOLL,
    NIO
  }

  /** Defaults used when the config has no {@code node:} section. */
  public static NodeConfig defaults(String hostName) {
    return new NodeConfig(hostName, 0, Transport.AUTO, Duration.ofSeconds(30));
  }
}
