package io.ballast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens many client connections to one address and holds them idle, for the memory scenario.
 * Connections are spread over several source addresses ({@code --sources 127.0.0.2,127.0.0.3}),
 * since each source address has only about 28,000 ephemeral ports. With {@code --request PATH} each
 * connection first sends one keep-alive request and reads the answer, so the server holds it in the
 * state a real idle keep-alive client leaves behind.
 *
 * <p>Prints {@code READY held=N failed=M} on stdout once every connection is open (or failed), then
 * holds them for {@code --hold} (or until killed), and prints {@code DONE held=N closed=M}.
 */
public final class IdleConnector {
  static final String USAGE =
      """
      usage: IdleConnector --target HOST:PORT --count N [--sources 127.0.0.2,127.0.0.3]
                           [--request /] [--concurrency 256] [--hold 10m]
      """;

  private final InetSocketAddress target;
  private final List<InetSocketAddress> sources = new ArrayList<>();
  private final int count;
  private final int concurrency;
  private final ByteBuf request;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private EventLoop loop;
  private Bootstrap bootstrap;
  private int started;
  private int inProgress;
  private int held;
  private int failed;
  private int closed;
  private boolean readyReported;

  private IdleConnector(Args a) {
    String t = a.str("target", null);
    if (t == null) {
      throw new IllegalArgumentException("--target is required");
    }
    int colon = t.lastIndexOf(':');
    target = new InetSocketAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
    for (String s : a.all("sources")) {
      sources.add(new InetSocketAddress(s, 0));
    }
    count = a.integer("count", 1000);
    concurrency = a.integer("concurrency", 256);
    String path = a.str("request", null);
    if (path != null) {
      byte[] b =
          ("GET " + path + " HTTP/1.1\r\nHost: " + t + "\r\nUser-Agent: ballast-idle\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      request = Unpooled.unreleasableBuffer(Unpooled.directBuffer(b.length).writeBytes(b));
    } else {
      request = null;
    }
  }

  /** Opens the connections, reports, holds. */
  public static void main(String[] argv) throws Exception {
    IdleConnector ic;
    Args a;
    try {
      a = Args.parse(argv, Set.of());
      ic = new IdleConnector(a);
    } catch (IllegalArgumentException e) {
      Args.die(USAGE, e.getMessage());
      return;
    }
    long holdNs = a.nanos("hold", "10m");
    ic.run(holdNs);
    System.exit(0);
  }

  private void run(long holdNs) throws Exception {
    EventLoopGroup group = Loops.group(1, "idle");
    loop = group.next();
    bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(Loops.socketChannel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .option(ChannelOption.SO_REUSEADDR, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpResponseDecoder(), new Holder());
                  }
                });
    loop.execute(this::more);
    ready.get(Math.max(60, count / 200), TimeUnit.SECONDS);
    System.out.printf("READY held=%d failed=%d%n", held, failed);
    System.out.flush();
    try {
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(holdNs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.out.printf("DONE held=%d closed=%d%n", held, closed);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Starts connections until {@code concurrency} are in progress or all have been started. */
  private void more() {
    while (started < count && inProgress < concurrency) {
      InetSocketAddress src = sources.isEmpty() ? null : sources.get(started % sources.size());
      started++;
      inProgress++;
      ChannelFuture f = src == null ? bootstrap.connect(target) : bootstrap.connect(target, src);
      f.addListener(
          x -> {
            if (!x.isSuccess()) {
              failed++;
              step();
            } else if (request != null) {
              f.channel().writeAndFlush(request.duplicate(), f.channel().voidPromise());
            } else {
              held++;
              step();
            }
          });
    }
    if (started >= count && inProgress == 0 && !readyReported) {
      readyReported = true;
      ready.complete(null);
    }
  }

  private void step() {
    inProgress--;
    more();
  }

  /** Waits for the one response, then leaves the connection idle; counts closes. */
  private final class Holder extends ChannelInboundHandlerAdapter {
    private boolean answered;
    private int status;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse r) {
          status = r.status().code();
        }
        if (msg instanceof LastHttpContent && !answered) {
          answered = true;
          if (status >= 200 && status < 300) {
            held++;
          } else {
            failed++;
            ctx.close();
          }
          step();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (request != null && !answered) {
        answered = true;
        failed++;
        step();
      } else if (request == null || (status >= 200 && status < 300)) {
        closed++;
        held--;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
