package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestConfigs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The proxy sends a small response's head and body as one buffer when they arrive together, but
 * never holds a head back waiting for a body that comes later: a client sees the status and headers
 * as soon as the backend sends them.
 */
@ExtendWith(NettyLeakCheck.class)
class ResponseHeadTest {

  @Test
  void headReachesTheClientBeforeTheBackendSendsTheBody() throws Exception {
    CountDownLatch headSeen = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> backend =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = server.accept()) {
                  readHead(new BufferedReader(new InputStreamReader(s.getInputStream())));
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  // The body only once the client has the head: a proxy that held the head until
                  // body bytes came would leave both sides waiting here.
                  if (!headSeen.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the client never saw the head");
                  }
                  out.write("hello".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      try (ProxyFixture p =
              new ProxyFixture(
                  TestConfigs.builder()
                      .listener("web", 0, "web")
                      .poolOf(
                          "web",
                          "round-robin",
                          x -> x,
                          List.of(TestConfigs.backend("slow-body", server.getLocalPort(), 100)))
                      .build());
          Socket client = new Socket(InetAddress.getLoopbackAddress(), p.port())) {
        client.setSoTimeout(5_000);
        client
            .getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        List<String> head = readHead(in);
        assertThat(head.get(0)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(head).contains("Content-Length: 5");
        headSeen.countDown();
        char[] body = new char[5];
        int n = 0;
        while (n < 5) {
          int r = in.read(body, n, 5 - n);
          assertThat(r).isPositive();
          n += r;
        }
        assertThat(new String(body)).isEqualTo("hello");
      }
      backend.get(10, TimeUnit.SECONDS);
    }
  }

  private static List<String> readHead(BufferedReader in) throws Exception {
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      lines.add(line);
    }
    return lines;
  }
}
