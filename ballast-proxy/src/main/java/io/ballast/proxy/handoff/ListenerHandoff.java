package io.ballast.proxy.handoff;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands listening sockets from a running node to its successor over a Unix domain socket ({@code
 * SCM_RIGHTS}), the way HAProxy's seamless reload does: the successor adopts the very same sockets,
 * so no connection waiting in an accept queue is lost, and the old node stops accepting only after
 * the new one is serving.
 *
 * <p>Protocol (one exchange per successor):
 *
 * <pre>
 * new → old   HELLO
 * old → new   LISTENER name count   (one line per listener)   then END
 * new → old   SEND                  (after switching its read mode to file descriptors)
 * old → new   count file descriptors per listener, in manifest order
 * new → old   READY                 (once it serves on them)
 * old → new   BYE                   (the old node has stopped accepting and is draining)
 * </pre>
 */
public final class ListenerHandoff {
  private static final Logger log = LoggerFactory.getLogger(ListenerHandoff.class);

  private ListenerHandoff() {}

  /** What the donor (old node) offers and how it retires. */
  public interface Donor {
    /** Listening channels by listener name (epoll server channels). */
    Map<String, List<Channel>> listeners();

    /** The successor serves: stop accepting, drain and exit. Called once, off the event loop. */
    void retire();
  }

  /** Numbers this process's handoff servers, so two nodes in one JVM (tests) never collide. */
  private static final java.util.concurrent.atomic.AtomicInteger SERVERS =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Serves handoffs at {@code path} until {@link Server#close()}. A stale socket file from a
   * crashed node is replaced.
   *
   * <p>Each node binds its own socket ({@code path.PID}) and points {@code path} at it with a
   * symbolic link, swapped in by an atomic rename. Two nodes never share a socket file: Netty
   * deletes a domain server socket's file when it closes, so an old node that bound {@code path}
   * itself would, as it exits, delete the file its successor had just bound there, and the next
   * restart would find nobody to take over from.
   */
  public static Server serve(Path path, Donor donor) throws IOException {
    String tag = ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet();
    Path own = path.resolveSibling(path.getFileName() + "." + tag);
    Files.deleteIfExists(own);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("ballast-handoff", true), EpollIoHandler.newFactory());
    Channel server;
    try {
      server =
          new ServerBootstrap()
              .group(group)
              .channel(EpollServerDomainSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                      ch.pipeline()
                          .addLast(new LineBasedFrameDecoder(256))
                          .addLast(new DonorHandler(donor));
                    }
                  })
              .bind(new DomainSocketAddress(own.toFile()))
              .syncUninterruptibly()
              .channel();
    } catch (Exception e) { // Netty rethrows the checked bind failure as it is
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("cannot serve handoffs at " + own + ": " + e.getMessage(), e);
    }
    // Only this user may take the sockets over.
    own.toFile().setReadable(false, false);
    own.toFile().setWritable(false, false);
    own.toFile().setReadable(true, true);
    own.toFile().setWritable(true, true);
    Path link = path.resolveSibling(path.getFileName() + ".link-" + tag);
    try {
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, own.getFileName());
      Files.move(link, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      server.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Files.deleteIfExists(link);
      throw e;
    }
    return new Server(path, own, group, server);
  }

  /** A running handoff endpoint. */
  public static final class Server implements AutoCloseable {
    private final Path path;
    private final Path own;
    private final EventLoopGroup group;
    private final Channel channel;

    Server(Path path, Path own, EventLoopGroup group, Channel channel) {
      this.path = path;
      this.own = own;
      this.group = group;
      this.channel = channel;
    }

    /** The socket's path. */
    public Path path() {
      return path;
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly(); // Netty deletes this node's own socket file
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      // The link goes only while it still points here: a successor may have re-pointed it.
      try {
        if (Files.isSymbolicLink(path) && Files.readSymbolicLink(path).equals(own.getFileName())) {
          Files.deleteIfExists(path);
        }
        Files.deleteIfExists(own);
      } catch (IOException e) {
        log.debug("cannot delete {}", path, e);
      }
    }
  }

  private static final class DonorHandler extends ChannelInboundHandlerAdapter {
    private final Donor donor;
    private List<Integer> fds;

    DonorHandler(Donor donor) {
      this.donor = donor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      String line = ((ByteBuf) msg).toString(StandardCharsets.US_ASCII).strip();
      ((ByteBuf) msg).release();
      switch (line) {
        case "HELLO" -> {
          StringBuilder manifest = new StringBuilder();
          fds = new ArrayList<>();
          for (Map.Entry<String, List<Channel>> e : donor.listeners().entrySet()) {
            int n = 0;
            for (Channel c : e.getValue()) {
              if (c instanceof EpollServerSocketChannel s && s.isOpen()) {
                fds.add(s.fd().intValue());
                n++;
              }
            }
            manifest.append("LISTENER ").append(e.getKey()).append(' ').append(n).append('\n');
          }
          manifest.append("END\n");
          ctx.writeAndFlush(Unpooled.copiedBuffer(manifest, StandardCharsets.US_ASCII));
        }
        case "SEND" -> {
          for (int fd : fds) {
            ctx.write(new FileDescriptor(fd));
          }
          ctx.flush();
        }
        case "READY" -> {
          log.info("successor is serving on the handed-over sockets; stopping here");
          Thread t =
              new Thread(
                  () -> {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("BYE\n", StandardCharsets.US_ASCII));
                    donor.retire();
                  },
                  "ballast-retire");
          t.start();
        }
        default -> ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("handoff connection failed: {}", cause.toString());
      ctx.close();
    }
  }

  /**
   * The successor's side: takes the listening sockets of the node serving at {@code path}.
   *
   * @return listener name → adopted server sockets' file descriptors, and a handle to confirm
   * @throws IOException when no node answers or the exchange fails
   */
  public static Taken take(Path path, long timeoutMillis) throws IOException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("ballast-takeover", true), EpollIoHandler.newFactory());
    ReceiverHandler receiver = new ReceiverHandler();
    Channel ch;
    try {
      ch =
          new Bootstrap()
              .group(group)
              .channel(EpollDomainSocketChannel.class)
              .handler(receiver)
              .connect(new DomainSocketAddress(path.toFile()))
              .syncUninterruptibly()
              .channel();
    } catch (Exception e) { // Netty rethrows a checked connect failure as it is
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException(
          "no running node accepts a takeover at " + path + ": " + e.getMessage(), e);
    }
    ch.writeAndFlush(Unpooled.copiedBuffer("HELLO\n", StandardCharsets.US_ASCII));
    try {
      Map<String, List<Integer>> fds = receiver.result.get(timeoutMillis, TimeUnit.MILLISECONDS);
      return new Taken(fds, ch, receiver, group);
    } catch (Exception e) {
      ch.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("takeover from " + path + " failed: " + e, e);
    }
  }

  /** Sockets taken over, waiting for the successor to confirm it serves on them. */
  public static final class Taken {
    private final Map<String, List<Integer>> fds;
    private final Channel channel;
    private final ReceiverHandler receiver;
    private final EventLoopGroup group;

    Taken(
        Map<String, List<Integer>> fds,
        Channel channel,
        ReceiverHandler receiver,
        EventLoopGroup group) {
      this.fds = fds;
      this.channel = channel;
      this.receiver = receiver;
      this.group = group;
    }

    /** Adopted listening sockets by listener name (file descriptor numbers in this process). */
    public Map<String, List<Integer>> fds() {
      return fds;
    }

    /**
     * Tells the old node we serve; it stops accepting and drains. Waits for its goodbye.
     *
     * @return true if the old node acknowledged
     */
    public boolean confirmServing(long timeoutMillis) {
      channel.config().setAutoRead(true);
      channel.writeAndFlush(Unpooled.copiedBuffer("READY\n", StandardCharsets.US_ASCII));
      try {
        receiver.bye.get(timeoutMillis, TimeUnit.MILLISECONDS);
        return true;
      } catch (Exception e) {
        return false;
      } finally {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    }
  }

  private static final class ReceiverHandler extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Map<String, List<Integer>>> result = new CompletableFuture<>();
    final CompletableFuture<Void> bye = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final Map<String, Integer> manifest = new LinkedHashMap<>();
    private final List<Integer> received = new ArrayList<>();
    private int expected = -1;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FileDescriptor fd) {
        received.add(fd.intValue());
        if (received.size() == expected) {
          ((EpollDomainSocketChannel) ctx.channel())
              .config()
              .setReadMode(DomainSocketReadMode.BYTES);
          Map<String, List<Integer>> byListener = new LinkedHashMap<>();
          int i = 0;
          for (Map.Entry<String, Integer> e : manifest.entrySet()) {
            byListener.put(e.getKey(), new ArrayList<>(received.subList(i, i + e.getValue())));
            i += e.getValue();
          }
          result.complete(byListener);
        }
        return;
      }
      ByteBuf buf = (ByteBuf) msg;
      text.append(buf.toString(StandardCharsets.US_ASCII));
      buf.release();
      int nl;
      while ((nl = text.indexOf("\n")) >= 0) {
        String line = text.substring(0, nl).strip();
        text.delete(0, nl + 1);
        onLine(ctx, line);
      }
    }

    private void onLine(ChannelHandlerContext ctx, String line) {
      if (line.startsWith("LISTENER ")) {
        String[] parts = line.split(" ");
        manifest.put(parts[1], Integer.parseInt(parts[2]));
      } else if (line.equals("END")) {
        expected = manifest.values().stream().mapToInt(Integer::intValue).sum();
        if (expected == 0) {
          result.complete(Map.of());
          return;
        }
        ((EpollDomainSocketChannel) ctx.channel())
            .config()
            .setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
        ctx.writeAndFlush(Unpooled.copiedBuffer("SEND\n", StandardCharsets.US_ASCII));
      } else if (line.equals("BYE")) {
        bye.complete(null);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IOException("the old node closed the handoff connection"));
      bye.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }
  }

  /** Opens nothing: a helper to check the platform supports handoff (epoll). */
  public static boolean supported() {
    return io.netty.channel.epoll.Epoll.isAvailable();
  }

  /** For callers that only have a supplier of the current listeners. */
  public static Donor donor(Supplier<Map<String, List<Channel>>> listeners, Runnable retire) {
    return new Donor() {
      @Override
      public Map<String, List<Channel>> listeners() {
        return listeners.get();
      }

      @Override
      public void retire() {
        retire.run();
      }
    };
  }
}
