package io.ballast.proxy.health;

import io.ballast.core.config.Durations;
import io.ballast.proxy.http.codec.BodyEnd;
import io.ballast.proxy.http.codec.Http1Decoder;
import io.ballast.proxy.http.codec.HttpParseError;
import io.ballast.proxy.http.codec.Method;
import io.ballast.proxy.http.codec.ResponseHead;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs active health checks on the data plane's event loops: no thread per check, so one node
 * checks thousands of backends. Each check opens a fresh connection (checks must see what a new
 * client would see), runs the protocol exchange, and completes with a {@link ProbeResult} within
 * the check's timeout.
 */
public final class HealthProber {
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_REPLY = 4 * 1024;

  private final Bootstrap template;

  /** Creates a prober that opens connections of this channel class. */
  public HealthProber(Class<? extends SocketChannel> channelClass) {
    this.template =
        new Bootstrap()
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_LINGER, 0); // checks never leave TIME_WAIT behind
  }

  /**
   * Checks a backend.
   *
   * @param loop the event loop to run on
   * @param backend the backend's address (the spec's port overrides its port when set)
   * @param spec what to send and expect
   * @return completes on {@code loop}, never exceptionally
   */
  public CompletableFuture<ProbeResult> probe(
      EventLoop loop, InetSocketAddress backend, ProbeSpec spec) {
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    long start = System.nanoTime();
    InetSocketAddress target =
        spec.port() > 0 ? new InetSocketAddress(backend.getAddress(), spec.port()) : backend;
    long timeoutMillis = Math.max(1, spec.timeout().toMillis());
    Check check = new Check(spec, result, start, target);
    Bootstrap b = template.clone(loop);
    b.option(
        ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    b.handler(
        new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (spec.type() == ProbeSpec.Type.HTTP) {
              Http1Decoder decoder =
                  new Http1Decoder(Http1Decoder.Kind.RESPONSE, 8192, 65536, 256, 0);
              decoder.expectResponseTo(
                  "HEAD".equalsIgnoreCase(spec.method()) ? Method.HEAD : Method.GET, false);
              ch.pipeline().addLast(decoder);
            }
            ch.pipeline().addLast(check);
          }
        });
    ChannelFuture f = b.connect(target);
    check.channel = f.channel();
    f.addListener(
        future -> {
          if (!future.isSuccess()) {
            Throwable cause = future.cause();
            check.fail(
                cause instanceof ConnectTimeoutException
                    ? "connect timeout after " + Durations.format(spec.timeout())
                    : cause instanceof ConnectException
                        ? "connect refused"
                        : "connect failed: " + cause.getMessage());
          }
        });
    loop.schedule(
        () -> check.fail("timeout after " + Durations.format(spec.timeout())),
        timeoutMillis,
        TimeUnit.MILLISECONDS);
    return result;
  }

  private static final class Check extends ChannelInboundHandlerAdapter {
    private final ProbeSpec spec;
    private final CompletableFuture<ProbeResult> result;
    private final long start;
    private final InetSocketAddress target;
    private final StringBuilder text = new StringBuilder();
    private Channel channel;
    private ResponseHead head;

    Check(
        ProbeSpec spec,
        CompletableFuture<ProbeResult> result,
        long start,
        InetSocketAddress target) {
      this.spec = spec;
      this.result = result;
      this.start = start;
      this.target = target;
    }

    void succeed(String reason, String reply) {
      finish(new ProbeResult(true, reason, System.nanoTime() - start, reply));
    }

    void fail(String reason) {
      finish(new ProbeResult(false, reason, System.nanoTime() - start, null));
    }

    private void finish(ProbeResult r) {
      if (result.complete(r) && channel != null) {
        channel.close();
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      switch (spec.type()) {
        case TCP -> succeed("connected", null);
        case HTTP -> {
          String host = spec.host() != null ? spec.host() : hostHeader(target);
          String request =
              spec.method()
                  + " "
                  + spec.path()
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nUser-Agent: ballast-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n";
          ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        }
        case TCP_EXPECT, AGENT -> {
          if (spec.send() != null && spec.send().length > 0) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(spec.send()));
          }
        }
      }
    }

    private static String hostHeader(InetSocketAddress a) {
      String h = a.getAddress().getHostAddress();
      return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (result.isDone()) {
          return;
        }
        if (msg instanceof ResponseHead h) {
          onHead(h);
        } else if (msg instanceof HttpParseError e) {
          fail("invalid HTTP response: " + e.reason());
        } else if (msg == BodyEnd.INSTANCE) {
          onBodyEnd();
        } else if (msg instanceof ByteBuf buf) {
          onBytes(buf);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void onHead(ResponseHead h) {
      if (h.status() < 200) {
        return; // interim
      }
      head = h;
      if (!spec.expectStatus().test(h.status())) {
        fail("HTTP " + h.status());
        return;
      }
      if (spec.expectBody() == null) {
        succeed("HTTP " + h.status(), null);
      } else if (!h.hasBody()) {
        onBodyEnd();
      }
    }

    private void onBodyEnd() {
      if (head == null) {
        return;
      }
      if (text.indexOf(spec.expectBody()) >= 0) {
        succeed("HTTP " + head.status(), null);
      } else {
        fail("body did not contain '" + spec.expectBody() + "'");
      }
    }

    private void onBytes(ByteBuf buf) {
      int room = (spec.type() == ProbeSpec.Type.HTTP ? MAX_BODY : MAX_REPLY) - text.length();
      if (room > 0) {
        text.append(
            buf.toString(
                buf.readerIndex(),
                Math.min(room, buf.readableBytes()),
                StandardCharsets.ISO_8859_1));
      }
      switch (spec.type()) {
        case TCP_EXPECT -> {
          if (matches()) {
            succeed("reply matched", text.toString());
          } else if (room <= 0) {
            fail("reply did not match within " + MAX_REPLY + " bytes");
          }
        }
        case AGENT -> {
          int nl = text.indexOf("\n");
          if (nl >= 0) {
            succeed("agent replied", text.substring(0, nl).strip());
          }
        }
        default -> {}
      }
    }

    private boolean matches() {
      return spec.expectReply() != null && spec.expectReply().test(text);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (result.isDone()) {
        return;
      }
      if (spec.type() == ProbeSpec.Type.AGENT && !text.isEmpty()) {
        succeed("agent replied", text.toString().strip());
      } else if (spec.type() == ProbeSpec.Type.TCP_EXPECT) {
        fail(
            text.isEmpty() ? "closed without a reply" : "reply did not match: " + abbreviate(text));
      } else {
        fail("connection closed before a response");
      }
    }

    private static String abbreviate(CharSequence s) {
      String t = s.toString().replace("\r", "\\r").replace("\n", "\\n");
      return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }
  }
}
