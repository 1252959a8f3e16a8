package io.ballast.bench.peers;

import io.ballast.bench.load.Args;
import io.ballast.bench.load.Loops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A fast HTTP/1.1 backend for the scenarios NGINX cannot express: it answers every request with a
 * fixed {@code 200} body of {@code --body} bytes, optionally after {@code --delay-ms} (the slow
 * "noisy neighbour"), keeping connections alive. It runs as its own process so the failover
 * scenario can SIGKILL it.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ballast.bench.peers.FastBackend --port 19011 [--body 25] [--delay-ms 50]
 * </pre>
 */
public final class FastBackend {
  static final String USAGE =
      """
      usage: FastBackend --port P [--port P2 ...] [--body BYTES] [--delay-ms MS] [--threads N] [--host 127.0.0.1]
      """;

  private FastBackend() {}

  /** Starts the backend and serves until killed. */
  public static void main(String[] argv) throws Exception {
    Args a;
    List<Integer> ports = new ArrayList<>();
    try {
      a = Args.parse(argv, Set.of());
      for (String p : a.all("port")) {
        ports.add(Integer.parseInt(p));
      }
      if (ports.isEmpty()) {
        throw new IllegalArgumentException("--port is required");
      }
    } catch (IllegalArgumentException e) {
      Args.die(USAGE, e.getMessage());
      return;
    }
    int bodySize = a.integer("body", 25);
    long delayMs = a.longValue("delay-ms", 0);
    String host = a.str("host", "127.0.0.1");
    byte[] body = new byte[bodySize];
    Arrays.fill(body, (byte) 'x');
    if (bodySize > 0) {
      body[bodySize - 1] = '\n';
    }
    byte[] head =
        ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bodySize + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    ByteBuf response =
        Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(head.length + bodySize).writeBytes(head).writeBytes(body));

    EventLoopGroup group = Loops.group(a.integer("threads", 1), "backend");
    ServerBootstrap sb =
        new ServerBootstrap()
            .group(group)
            .channel(Loops.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpRequestDecoder(), new Responder(response, delayMs));
                  }
                });
    List<Channel> listeners = new ArrayList<>();
    for (int port : ports) {
      listeners.add(sb.bind(host, port).sync().channel());
    }
    System.out.printf(
        "fast backend on %s:%s (%s), body %d bytes, delay %d ms%n",
        host, ports, Loops.transport(), bodySize, delayMs);
    System.out.flush();
    for (Channel l : listeners) {
      l.closeFuture().sync();
    }
  }

  /** Answers each complete request with the fixed response, flushing once per read batch. */
  private static final class Responder extends ChannelInboundHandlerAdapter {
    private final ByteBuf response;
    private final long delayMs;
    private boolean keepAlive = true;
    private boolean pendingFlush;

    Responder(ByteBuf response, long delayMs) {
      this.response = response;
      this.delayMs = delayMs;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest req) {
          keepAlive = HttpUtil.isKeepAlive(req) && req.decoderResult().isSuccess();
        }
        if (msg instanceof LastHttpContent) {
          boolean close = !keepAlive;
          if (delayMs > 0) {
            ctx.executor()
                .schedule(
                    () -> {
                      var f = ctx.writeAndFlush(response.duplicate());
                      if (close) {
                        f.addListener(ChannelFutureListener.CLOSE);
                      }
                    },
                    delayMs,
                    TimeUnit.MILLISECONDS);
          } else if (close) {
            ctx.writeAndFlush(response.duplicate()).addListener(ChannelFutureListener.CLOSE);
          } else {
            ctx.write(response.duplicate(), ctx.voidPromise());
            pendingFlush = true;
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (pendingFlush) {
        pendingFlush = false;
        ctx.flush();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
