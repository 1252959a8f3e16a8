package io.ballast.proxy.transport;

import io.ballast.core.config.NodeConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: Linux's native epoll where available (with {@code SO_REUSEPORT}, so each
 * event loop accepts on its own listening socket), else Java NIO.
 *
 * @param name {@code epoll} or {@code nio}
 * @param ioHandlerFactory creates the event loops' I/O handlers
 * @param serverChannel listening socket class
 * @param socketChannel connection socket class
 * @param reusePort whether listeners can bind one socket per event loop
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    boolean reusePort) {

  /** Chooses the transport the config asks for, falling back to NIO when epoll is unavailable. */
  public static Transport select(NodeConfig.Transport wanted) {
    if (wanted != NodeConfig.Transport.NIO && Epoll.isAvailable()) {
      return new Transport(
          "epoll",
          EpollIoHandler.newFactory(),
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
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        false);
  }

  /** Creates an event loop group of {@code threads} loops (0: one per core). */
  public EventLoopGroup newGroup(int threads, String prefix) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new MultiThreadIoEventLoopGroup(
        n, new DefaultThreadFactory(prefix, true), ioHandlerFactory);
  }
}
