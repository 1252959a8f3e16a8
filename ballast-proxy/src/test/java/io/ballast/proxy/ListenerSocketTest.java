package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
      String remote = String.format(Locale.ROOT, ":%04X", s.getLocalPort());
      String[] f =
          procNetTcp(proxy.port()).stream()
              .filter(l -> l[2].endsWith(remote))
              .findFirst()
              .orElseThrow();
      assertThat(f[3]).as("state ESTABLISHED").isEqualTo("01");
      assertThat(f[5]).as("timer").startsWith("02:");
    }
  }

  @Test
  void aBurstOfClientsQueuedWhileTheLoopsWereBusyIsAcceptedInOneGo() throws Exception {
    int clients = 40;
    List<Channel> listening = proxy.server.listeningChannels().get("web");
    Map<Channel, List<Integer>> batches = new ConcurrentHashMap<>();
    for (Channel l : listening) {
      List<Integer> sizes = new CopyOnWriteArrayList<>();
      batches.put(l, sizes);
      l.pipeline()
          .addFirst(
              new ChannelInboundHandlerAdapter() {
                int accepted;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object child) {
                  accepted++;
                  ctx.fireChannelRead(child);
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                  if (accepted > 0) {
                    sizes.add(accepted);
                  }
                  accepted = 0;
                  ctx.fireChannelReadComplete();
                }
              });
    }
    // Every loop that accepts is kept busy while the clients connect and send their requests.
    Set<EventLoop> loops = new HashSet<>();
    listening.forEach(l -> loops.add(l.eventLoop()));
    CountDownLatch busy = new CountDownLatch(loops.size());
    CountDownLatch release = new CountDownLatch(1);
    for (EventLoop loop : loops) {
      loop.execute(
          () -> {
            busy.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setSoTimeout(10_000);
        s.getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        sockets.add(s);
      }
      // The kernel has completed all of them: they wait in the listening sockets' accept queues.
      await().atMost(Duration.ofSeconds(10)).until(() -> acceptQueued(proxy.port()) == clients);
      release.countDown();
      for (Socket s : sockets) {
        assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
            .isEqualTo("HTTP/1.1 200");
      }
    } finally {
      release.countDown();
      for (Socket s : sockets) {
        s.close();
      }
    }
    // One wake-up per listening socket took its whole queue (Netty's epoll default is one accept
    // per wake-up, which a loop busy with other connections turns into milliseconds per client).
    int total = 0;
    for (List<Integer> sizes : batches.values()) {
      assertThat(sizes.size())
          .as("accept batches of one listening socket: %s", sizes)
          .isLessThanOrEqualTo(1);
      total += sizes.stream().mapToInt(Integer::intValue).sum();
    }
    assertThat(total).isEqualTo(clients);
  }

  /** Connections waiting in the accept queues of the sockets listening on port. */
  private static int acceptQueued(int port) throws IOException {
    int queued = 0;
    for (String[] f : procNetTcp(port)) {
      // State 0A is LISTEN; for a listening socket rx_queue is its accept queue.
      if (f[3].equals("0A")) {
        queued += Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
      }
    }
    return queued;
  }

  /** The fields of every TCP socket with local port {@code port}, IPv4 and IPv6 (proc(5)). */
  private static List<String[]> procNetTcp(int port) throws IOException {
    String local = String.format(Locale.ROOT, ":%04X", port);
    List<String[]> sockets = new ArrayList<>();
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(file))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 5 && f[1].endsWith(local)) {
          sockets.add(f);
        }
      }
    }
    return sockets;
  }
}
