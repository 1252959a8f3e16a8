package io.ballast.bench.load;

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
 * Netty event loops for the harness tools: native epoll when available (it is on Linux x86_64),
 * else NIO.
 */
public final class Loops {
  private static final boolean EPOLL = Epoll.isAvailable();

  private Loops() {}

  /** Which transport the tools use: {@code epoll} or {@code nio}. */
  public static String transport() {
    return EPOLL ? "epoll" : "nio";
  }

  /** A group of {@code threads} event loops (daemon threads named after {@code prefix}). */
  public static EventLoopGroup group(int threads, String prefix) {
    IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(prefix, true), factory);
  }

  /** The client socket class matching {@link #group}. */
  public static Class<? extends SocketChannel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The server socket class matching {@link #group}. */
  public static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
