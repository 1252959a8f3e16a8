package io.ballast.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class HealthProberTest {
  static EventLoopGroup group;
  static HealthProber prober;
  static TestBackend backend;

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    prober = new HealthProber(NioSocketChannel.class);
    backend = TestBackend.start("b");
  }

  @AfterAll
  static void stop() {
    backend.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  static ProbeSpec http(String path, String expectBody) {
    return new ProbeSpec(
        ProbeSpec.Type.HTTP,
        Duration.ofSeconds(1),
        0,
        "GET",
        path,
        null,
        s -> s >= 200 && s < 400,
        expectBody,
        null,
        null);
  }

  static ProbeSpec tcpExpect(String send, String expect, Pattern regex) {
    return new ProbeSpec(
        ProbeSpec.Type.TCP_EXPECT,
        Duration.ofMillis(500),
        0,
        null,
        null,
        null,
        null,
        null,
        send.getBytes(StandardCharsets.US_ASCII),
        reply -> expect != null ? reply.toString().contains(expect) : regex.matcher(reply).find());
  }

  ProbeResult probe(int port, ProbeSpec spec) {
    return prober.probe(group.next(), new InetSocketAddress("127.0.0.1", port), spec).join();
  }

  /** A TCP server answering each read (or the connect, when {@code onConnect}) with a reply. */
  static Channel replyServer(String reply, boolean onConnect) {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ReplyHandler(reply, onConnect))
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .syncUninterruptibly()
        .channel();
  }

  @io.netty.channel.ChannelHandler.Sharable
  static final class ReplyHandler extends ChannelInboundHandlerAdapter {
    private final String reply;
    private final boolean onConnect;

    ReplyHandler(String reply, boolean onConnect) {
      this.reply = reply;
      this.onConnect = onConnect;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (onConnect) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII));
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
      if (!onConnect && !reply.isEmpty()) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII));
      }
    }
  }

  static int port(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Test
  void httpChecksStatusAndBody() {
    ProbeResult ok = probe(backend.port(), http("/healthz", null));
    assertThat(ok.ok()).isTrue();
    assertThat(ok.reason()).isEqualTo("HTTP 200");
    assertThat(probe(backend.port(), http("/healthz", "ok")).ok()).isTrue();
    ProbeResult body = probe(backend.port(), http("/healthz", "ready"));
    assertThat(body.ok()).isFalse();
    assertThat(body.reason()).isEqualTo("body did not contain 'ready'");
    ProbeResult status = probe(backend.port(), http("/status?code=503", null));
    assertThat(status.ok()).isFalse();
    assertThat(status.reason()).isEqualTo("HTTP 503");
  }

  @Test
  void refusedAndSilentBackendsFail() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    ProbeResult refused = probe(dead, http("/healthz", null));
    assertThat(refused.ok()).isFalse();
    assertThat(refused.reason()).isEqualTo("connect refused");

    Channel silent = replyServer("", false);
    try {
      ProbeResult timeout = probe(port(silent), http("/healthz", null));
      assertThat(timeout.ok()).isFalse();
      assertThat(timeout.reason()).isEqualTo("timeout after 1s");
      assertThat(timeout.latencyNanos()).isGreaterThanOrEqualTo(900_000_000L);
    } finally {
      silent.close().syncUninterruptibly();
    }
  }

  @Test
  void tcpExpectMatchesTheReply() {
    Channel redis = replyServer("+PONG\r\n", false);
    try {
      assertThat(probe(port(redis), tcpExpect("PING\r\n", "+PONG", null)).ok()).isTrue();
      assertThat(probe(port(redis), tcpExpect("PING\r\n", null, Pattern.compile("^\\+PO.G"))).ok())
          .isTrue();
      ProbeResult wrong = probe(port(redis), tcpExpect("PING\r\n", "-ERR", null));
      assertThat(wrong.ok()).isFalse();
      assertThat(wrong.reason()).startsWith("timeout after");
    } finally {
      redis.close().syncUninterruptibly();
    }
  }

  @Test
  void agentReplyIsReturned() {
    Channel agent = replyServer("up 75%\n", true);
    try {
      ProbeResult r =
          probe(
              port(agent),
              new ProbeSpec(
                  ProbeSpec.Type.AGENT,
                  Duration.ofSeconds(1),
                  0,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null));
      assertThat(r.ok()).isTrue();
      assertThat(r.reply()).isEqualTo("up 75%");
    } finally {
      agent.close().syncUninterruptibly();
    }
  }

  @Test
  void tcpConnectChecks() {
    ProbeResult r =
        probe(
            backend.port(),
            new ProbeSpec(
                ProbeSpec.Type.TCP,
                Duration.ofSeconds(1),
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
    assertThat(r.ok()).isTrue();
    assertThat(r.reason()).isEqualTo("connected");
  }
}
