package io.ballast.proxy.transport;

import io.ballast.core.config.NodeConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.spi.SelectorProvider;

/**
 * The socket transport: Linux's native epoll where available (with {@code SO_REUSEPORT}, so each
 * event loop accepts on its own listening socket), else Java NIO.
 *
 * @param name {@code epoll} or {@code nio}
 * @param ioHandlerFactory creates the event loops' I/O handlers
 * @param busyPollingFactory creates I/O handlers that poll without sleeping ({@code
 *     node.busy-polling})
 * @param serverChannel listening socket class
 * @param socketChannel connection socket class
 * @param reusePort whether listeners can bind one socket per event loop
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    IoHandlerFactory busyPollingFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    boolean reusePort) {

  /** Chooses the transport the config asks for, falling back to NIO when epoll is unavailable. */
  public static Transport select(NodeConfig.Transport wanted) {
    if (wanted != NodeConfig.Transport.NIO && Epoll.isAvailable()) {
      return new Transport(
          "epoll",
          EpollIoHandler.newFactory(),
          EpollIoHandler.newFactory(0, BUSY_POLL),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class,
          true);
    }
    if (wanted == NodeConfig.Transport.EPOLL) {
      throw new IllegalStateException(
          "transport 'epoll' requested but unavailable: " + Epoll.unavailabilityCause());
    }
    return new Transport(
        "nio",
        NioIoHandler.newFactory(),
        NioIoHandler.newFactory(SelectorProvider.provider(), BUSY_POLL),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        false);
  }

  /**
   * Busy polling: every pass of the event loop asks for ready I/O without blocking, and never
   * sleeps. Tasks and timers still run between passes (the loop runs its due tasks after each), and
   * other threads' tasks need no wake-up. It saves the wake-up of an idle core (at 3,000 req/s
   * here: p50 0.145 ms instead of 0.189) and costs a core kept busy; docs/BENCHMARKS.md.
   */
  private static final SelectStrategyFactory BUSY_POLL =
      () -> (selectNow, hasTasks) -> selectNow.get();

  // Linux values (socket(7), tcp(7)); raw options, as Netty's listening-socket config has none.
  private static final IntegerUnixChannelOption LISTENER_KEEPALIVE =
      new IntegerUnixChannelOption("SO_KEEPALIVE", 1, 9);
  private static final IntegerUnixChannelOption LISTENER_QUICKACK =
      new IntegerUnixChannelOption("TCP_QUICKACK", 6, 12);

  /**
   * Connections a listening socket accepts in a row before its event loop turns to other work, as
   * HAProxy's {@code tune.maxaccept} (also 64). Netty's default for epoll is one per wake-up: a
   * loop busy with a few hundred connections then takes milliseconds per accept, and a surge of new
   * clients waits in the accept queue for hundreds of milliseconds with requests already sent.
   */
  public static final int MAX_ACCEPT_PER_WAKEUP = 64;

  /**
   * Sets the options of a listening socket and its accepted connections before it is bound or
   * registered: accepts batched per wake-up ({@link #MAX_ACCEPT_PER_WAKEUP}), and the options every
   * accepted connection needs that cannot be inherited from the listening socket with this
   * transport (epoll sets those on the listener instead, see {@link #tuneListener}, which saves a
   * system call per connection).
   */
  public ServerBootstrap configure(ServerBootstrap sb) {
    // Without respectMaybeMoreData(false) the epoll transport stops after one accept: it takes a
    // read that returned less than it asked for as "nothing more to read", and an accepted file
    // descriptor never equals the one "byte" it asks for.
    sb.option(
        ChannelOption.RECVBUF_ALLOCATOR,
        new ServerChannelRecvByteBufAllocator()
            .respectMaybeMoreData(false)
            .maxMessagesPerRead(MAX_ACCEPT_PER_WAKEUP));
    return isEpoll() ? sb : sb.childOption(ChannelOption.SO_KEEPALIVE, true);
  }

  /**
   * Tunes a listening socket once it listens (and again when adopted from a previous node).
   *
   * <p>With epoll, accepted sockets inherit two options from it:
   *
   * <ul>
   *   <li>{@code SO_KEEPALIVE}, so a vanished client is noticed;
   *   <li>{@code TCP_QUICKACK} off. The kernel then does not acknowledge a client's first request
   *       on its own, and the response carries the ACK: one packet fewer per connection, as with
   *       HAProxy's {@code tcp-smart-accept}. A slow response still gets its ACK from the kernel's
   *       delayed-ACK timer (40 ms). It must be set after {@code listen()}, which resets the
   *       socket's ACK state.
   * </ul>
   */
  public void tuneListener(Channel listening) {
    if (isEpoll()) {
      listening.config().setOption(LISTENER_KEEPALIVE, 1);
      listening.config().setOption(LISTENER_QUICKACK, 0);
    }
  }

  private boolean isEpoll() {
    return serverChannel == EpollServerSocketChannel.class;
  }

  /**
   * Creates an event loop group of {@code threads} loops (0: one per core).
   *
   * @param busyPolling whether the loops poll without sleeping (see {@code node.busy-polling})
   */
  public EventLoopGroup newGroup(int threads, String prefix, boolean busyPolling) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new MultiThreadIoEventLoopGroup(
        n,
        new DefaultThreadFactory(prefix, true),
        busyPolling ? busyPollingFactory : ioHandlerFactory);
  }
}
