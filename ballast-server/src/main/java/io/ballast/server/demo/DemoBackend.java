package io.ballast.server.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small web application that runs inside the demo process, standing in for one VM's service: it
 * answers with its id, VM and host, has {@code /healthz}, and {@code /work?ms=N} takes N
 * milliseconds (without blocking its event loop).
 */
public final class DemoBackend implements AutoCloseable {
  private final String id;
  private final String vm;
  private final String host;
  private final Channel server;
  private final AtomicLong served = new AtomicLong();
  private volatile long extraLatencyMillis;

  /** Starts a backend on 127.0.0.1 (port 0 = any free port) on the given event loops. */
  public DemoBackend(
      String id,
      String vm,
      String host,
      int port,
      EventLoopGroup group,
      Class<? extends io.netty.channel.ServerChannel> channel) {
    this.id = id;
    this.vm = vm;
    this.host = host;
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(channel)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(new Handler());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", port))
            .syncUninterruptibly()
            .channel();
  }

  public String id() {
    return id;
  }

  public String vm() {
    return vm;
  }

  public String host() {
    return host;
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Requests answered so far. */
  public long served() {
    return served.get();
  }

  /** Adds latency to every answer (a noisy neighbour on its host). */
  public void extraLatency(long millis) {
    this.extraLatencyMillis = millis;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      QueryStringDecoder q = new QueryStringDecoder(req.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      String body;
      long delay = extraLatencyMillis;
      if (q.path().equals("/healthz")) {
        body = "ok\n";
        delay = 0;
      } else {
        served.incrementAndGet();
        body = "Hello from " + id + " (vm " + vm + " on host " + host + ")\n";
        if (q.path().equals("/work")) {
          List<String> ms = q.parameters().get("ms");
          try {
            delay += ms == null ? 100 : Math.min(60_000, Long.parseLong(ms.get(0)));
          } catch (NumberFormatException e) {
            delay += 100;
          }
        }
      }
      ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse resp =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      resp.headers().set("X-Backend", id);
      HttpUtil.setKeepAlive(resp, keepAlive);
      Runnable send =
          () ->
              ctx.writeAndFlush(resp)
                  .addListener(
                      keepAlive
                          ? ChannelFutureListener.CLOSE_ON_FAILURE
                          : ChannelFutureListener.CLOSE);
      if (delay > 0) {
        ctx.executor().schedule(send, delay, TimeUnit.MILLISECONDS);
      } else {
        send.run();
      }
    }
  }
}
