package io.ballast.testing;

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
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 backend for tests, built on Netty's stock codec (so the proxy's own codec is
 * checked against an independent implementation). Listens on 127.0.0.1 on a free port.
 *
 * <p>Endpoints: {@code /healthz}; {@code /echo} (streams the request body back); {@code /upload}
 * (counts body bytes, answers the count); {@code /download?bytes=N[&chunked=true]} (streams N bytes
 * with back-pressure); {@code /delay?ms=N}; {@code /status?code=N}; {@code /headers} (the request
 * head as received); anything else answers the backend's id. Every response carries {@code
 * X-Backend: id}. {@link #mode(Mode)} makes it misbehave.
 */
public final class TestBackend implements AutoCloseable {

  /** How the backend behaves. */
  public enum Mode {
    /** Answers normally. */
    NORMAL,
    /** Answers 503 to everything but {@code /healthz}. */
    UNAVAILABLE,
    /** Accepts connections and reads requests but never answers. */
    BLACK_HOLE,
    /** Closes every connection as soon as a request arrives. */
    RESET
  }

  private final String id;
  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger connectionsAccepted = new AtomicInteger();
  private final AtomicInteger responses = new AtomicInteger();
  private final AtomicLong bytesReceived = new AtomicLong();
  private volatile Mode mode = Mode.NORMAL;
  private volatile long delayMillis;

  private TestBackend(String id, int port) {
    this.id = id;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    connectionsAccepted.incrementAndGet();
                    ch.pipeline().addLast("codec", new HttpServerCodec(8192, 65536, 65536));
                    ch.pipeline().addLast(new HttpServerExpectContinueHandler());
                    ch.pipeline().addLast(new Handler());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", port))
            .syncUninterruptibly()
            .channel();
  }

  /** Starts a backend with this id on a free port. */
  public static TestBackend start(String id) {
    return new TestBackend(id, 0);
  }

  /** Starts a backend with this id on a given port (to restart one on the same address). */
  public static TestBackend start(String id, int port) {
    return new TestBackend(id, port);
  }

  public String id() {
    return id;
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /** Requests received (health checks included). */
  public int requests() {
    return requests.get();
  }

  /** Responses written (those of {@code /echo} and upgrades not included). */
  public int responses() {
    return responses.get();
  }

  /** Connections accepted so far. */
  public int connectionsAccepted() {
    return connectionsAccepted.get();
  }

  /** Connections open right now. */
  public int openConnections() {
    return connections.size();
  }

  /** Body bytes received so far. */
  public long bytesReceived() {
    return bytesReceived.get();
  }

  /** Changes how the backend behaves from now on. */
  public TestBackend mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** Delays every answer (but {@code /healthz}) by this many milliseconds. */
  public TestBackend delay(long millis) {
    this.delayMillis = millis;
    return this;
  }

  /** Closes every open connection (the listener stays). */
  public void dropConnections() {
    connections.close().awaitUninterruptibly();
  }

  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return;
    }
    server.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    private HttpRequest request;
    private String path;
    private Map<String, java.util.List<String>> params;
    private boolean echo;
    private long uploaded;
    private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    private boolean keepAlive;
    private boolean ignore;
    private Streamer streamer;

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (streamer != null && ctx.channel().isWritable()) {
        streamer.run();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest req) {
          requests.incrementAndGet();
          request = req;
          QueryStringDecoder q = new QueryStringDecoder(req.uri());
          path = q.path();
          params = q.parameters();
          keepAlive = HttpUtil.isKeepAlive(req);
          uploaded = 0;
          crc.reset();
          echo = false;
          ignore = false;
          Mode m = mode;
          if (m == Mode.RESET && !path.equals("/healthz")) {
            ignore = true;
            ctx.close();
            return;
          }
          if (m == Mode.BLACK_HOLE) {
            ignore = true;
            return;
          }
          if ("echo".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            upgrade(ctx);
            ignore = true;
            return;
          }
          if (path.equals("/echo")) {
            echo = true;
            HttpResponse resp =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            resp.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            resp.headers().set("X-Backend", id);
            String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (ct != null) {
              resp.headers().set(HttpHeaderNames.CONTENT_TYPE, ct);
            }
            ctx.write(resp);
          }
        }
        if (ignore) {
          return;
        }
        if (msg instanceof HttpContent content) {
          int n = content.content().readableBytes();
          uploaded += n;
          if (path.equals("/upload-crc")) {
            crc.update(content.content().nioBuffer());
          }
          bytesReceived.addAndGet(n);
          if (echo) {
            if (n > 0) {
              ctx.write(new DefaultHttpContent(content.content().retain()));
            }
            if (content instanceof LastHttpContent) {
              ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(closeIfNeeded());
            } else if (!ctx.channel().isWritable()) {
              ctx.flush();
            }
            return;
          }
          if (content instanceof LastHttpContent) {
            respond(ctx);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    private ChannelFutureListener closeIfNeeded() {
      return keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE;
    }

    private String param(String name, String def) {
      java.util.List<String> v = params.get(name);
      return v == null || v.isEmpty() ? def : v.get(0);
    }

    /** Switches to a raw byte echo after a 101 (a stand-in for WebSocket). */
    private void upgrade(ChannelHandlerContext ctx) {
      FullHttpResponse resp =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
      resp.headers().set(HttpHeaderNames.UPGRADE, "echo");
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      ctx.writeAndFlush(resp)
          .addListener(
              f -> {
                ctx.pipeline().remove("codec");
                ctx.pipeline()
                    .replace(
                        this,
                        "echo",
                        new ChannelInboundHandlerAdapter() {
                          @Override
                          public void channelRead(ChannelHandlerContext c, Object msg) {
                            c.writeAndFlush(msg);
                          }
                        });
              });
    }

    private void respond(ChannelHandlerContext ctx) {
      if (path.equals("/healthz")) {
        send(ctx, HttpResponseStatus.OK, "ok\n");
        return;
      }
      if (mode == Mode.UNAVAILABLE) {
        send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, id + " unavailable\n");
        return;
      }
      long delay = Long.parseLong(param("ms", "0"));
      if (!path.equals("/delay")) {
        delay = 0;
      }
      delay += delayMillis;
      if (delay > 0) {
        ctx.executor().schedule(() -> respondNow(ctx), delay, TimeUnit.MILLISECONDS);
      } else {
        respondNow(ctx);
      }
    }

    private void respondNow(ChannelHandlerContext ctx) {
      switch (path) {
        case "/upload" -> send(ctx, HttpResponseStatus.OK, Long.toString(uploaded) + "\n");
        case "/upload-crc" ->
            send(ctx, HttpResponseStatus.OK, uploaded + " " + crc.getValue() + "\n");
        case "/status" ->
            send(
                ctx, HttpResponseStatus.valueOf(Integer.parseInt(param("code", "200"))), id + "\n");
        case "/headers" -> {
          StringBuilder sb = new StringBuilder();
          sb.append(request.method())
              .append(' ')
              .append(request.uri())
              .append(' ')
              .append(request.protocolVersion())
              .append('\n');
          for (Map.Entry<String, String> h : request.headers()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append('\n');
          }
          send(ctx, HttpResponseStatus.OK, sb.toString());
        }
        case "/download" -> download(ctx);
        case "/hop" -> {
          // Hop-by-hop fields a proxy must not pass on, next to one it must.
          ByteBuf content = Unpooled.copiedBuffer("hop\n", StandardCharsets.UTF_8);
          FullHttpResponse resp =
              new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
          resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
          resp.headers().set(HttpHeaderNames.CONNECTION, "X-Private");
          resp.headers().set("X-Private", "secret");
          resp.headers().set("Keep-Alive", "timeout=5");
          resp.headers().set("Proxy-Connection", "keep-alive");
          resp.headers().set("X-Kept", "yes");
          ctx.writeAndFlush(resp);
        }
        default -> send(ctx, HttpResponseStatus.OK, id + "\n");
      }
      // Counted after the write: on the event loop the bytes have been handed to the socket.
      responses.incrementAndGet();
    }

    private void send(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
      ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      resp.headers().set("X-Backend", id);
      if (!keepAlive) {
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      ctx.writeAndFlush(resp).addListener(closeIfNeeded());
    }

    private void download(ChannelHandlerContext ctx) {
      long total = Long.parseLong(param("bytes", "0"));
      boolean chunked = Boolean.parseBoolean(param("chunked", "false"));
      HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      resp.headers().set("X-Backend", id);
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
      if (chunked) {
        resp.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      } else {
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, total);
      }
      ctx.write(resp);
      streamer = new Streamer(ctx, total, this);
      streamer.run();
    }
  }

  /** The bytes {@code /download} repeats: byte i of each 64 KiB piece is {@code (i * 31 + 7)}. */
  public static final int PATTERN_PERIOD = 64 * 1024;

  private static final ByteBuf PATTERN = pattern();

  private static ByteBuf pattern() {
    byte[] b = new byte[PATTERN_PERIOD];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return Unpooled.unreleasableBuffer(Unpooled.directBuffer(b.length).writeBytes(b));
  }

  /** Writes N bytes in 64 KiB pieces, waiting for writability (bounded memory). */
  private final class Streamer implements Runnable {
    private static final int PIECE = PATTERN_PERIOD;
    private final ChannelHandlerContext ctx;
    private final Handler owner;
    private long left;

    Streamer(ChannelHandlerContext ctx, long total, Handler owner) {
      this.ctx = ctx;
      this.left = total;
      this.owner = owner;
    }

    @Override
    public void run() {
      Channel ch = ctx.channel();
      while (left > 0 && ch.isActive()) {
        if (!ch.isWritable()) {
          ctx.flush(); // resumed from channelWritabilityChanged
          return;
        }
        int n = (int) Math.min(PIECE, left);
        left -= n;
        // Every 64 KiB piece carries the same pattern, so a client can verify what it received.
        ctx.write(new DefaultHttpContent(PATTERN.retainedSlice(0, n)));
      }
      if (ch.isActive() && owner.streamer == this) {
        owner.streamer = null;
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      }
    }
  }
}
