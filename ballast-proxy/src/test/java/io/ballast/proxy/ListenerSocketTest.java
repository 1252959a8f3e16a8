package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import io.netty.channel.Channel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With epoll, the listening sockets carry the options accepted connections inherit: keep-alive
 * probes for every client connection, and no separate ACK for a client's first request (the
 * response carries it).
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(NettyLeakCheck.class)
class ListenerSocketTest {
  TestBackend backend;
  ProxyFixture proxy;

  @BeforeEach
  void start() {
    backend = TestBackend.start("b");
    proxy = new ProxyFixture(TestConfigs.simple("round-robin", backend));
    assumeThat(proxy.server.transportName()).isEqualTo("epoll");
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void listenersLeaveTheFirstAckToTheResponse() {
    // tcp(7): reading TCP_QUICKACK gives 0 while the socket delays its ACKs.
    IntegerUnixChannelOption quickAck = new IntegerUnixChannelOption("TCP_QUICKACK", 6, 12);
    List<Channel> listening = proxy.server.listeningChannels().get("web");
    assertThat(listening).isNotEmpty();
    for (Channel c : listening) {
      assertThat(c.config().getOption(quickAck)).isZero();
    }
  }

  @Test
  void acceptedConnectionsSendKeepAliveProbes() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
      // The proxy's side of this connection, in /proc/net/tcp: its keep-alive timer is armed
      // (timer field "02"; proc(5)).
      String local = String.format(Locale.ROOT, ":%04X", proxy.port());
      String remote = String.format(Locale.ROOT, ":%04X", s.getLocalPort());
      String line =
          Files.readAllLines(Path.of("/proc/net/tcp")).stream()
              .map(String::trim)
              .filter(l -> l.split("\\s+")[1].endsWith(local))
              .filter(l -> l.split("\\s+")[2].endsWith(remote))
              .findFirst()
              .orElseThrow();
      String[] f = line.split("\\s+");
      assertThat(f[3]).as("state ESTABLISHED").isEqualTo("01");
      assertThat(f[5]).as("timer").startsWith("02:");
    }
  }
}
