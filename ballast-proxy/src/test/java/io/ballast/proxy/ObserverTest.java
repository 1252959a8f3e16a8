package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ballast.core.config.BallastConfig;
import io.ballast.core.model.Backend;
import io.ballast.proxy.observe.ExchangeRecord;
import io.ballast.proxy.observe.ListenerObserver;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What metrics and access logs receive: one record per request, with the right facts. */
@ExtendWith(NettyLeakCheck.class)
class ObserverTest {
  record Seen(
      String method,
      String target,
      int status,
      String pool,
      String backend,
      long bytesIn,
      long bytesOut,
      int retries,
      String error,
      boolean firstByteBeforeTotal) {}

  static final class Capture implements ListenerObserver {
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<String> retried = new CopyOnWriteArrayList<>();

    @Override
    public void connectionOpened() {
      opened.incrementAndGet();
    }

    @Override
    public void connectionClosed() {
      closed.incrementAndGet();
    }

    @Override
    public void retried(Backend from, String reason) {
      retried.add(from.id() + ":" + reason);
    }

    @Override
    public void exchangeCompleted(ExchangeRecord r) {
      seen.add(
          new Seen(
              r.method.toString(),
              r.target.toString(),
              r.status,
              r.pool,
              r.backend == null ? null : r.backend.id(),
              r.bytesIn,
              r.bytesOut,
              r.retries,
              r.error,
              r.firstByteNanos <= r.totalNanos));
    }
  }

  private static ProxyFixture proxy(BallastConfig config, Capture capture) {
    return new ProxyFixture(config, name -> capture);
  }

  @Test
  void everyRequestIsReportedOnceWithItsFacts() throws Exception {
    Capture capture = new Capture();
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (TestBackend b = TestBackend.start("b");
        ProxyFixture p =
            proxy(
                TestConfigs.builder()
                    .listener("web", 0, "web")
                    .poolOf(
                        "web",
                        "round-robin",
                        x -> x,
                        List.of(
                            TestConfigs.backend("dead", dead, 100),
                            TestConfigs.backend("b", b.port(), 100)))
                    .build(),
                capture)) {
      try (RawHttpClient c = new RawHttpClient(p.port())) {
        c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(c.read().status()).isEqualTo(200);
        c.send("GET /status?code=404 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(404);
        c.send("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(400);
      }
      await().until(() -> capture.closed.get() == 1);
      assertThat(capture.opened.get()).isEqualTo(1);
      assertThat(capture.seen).hasSize(3);
      Seen upload = capture.seen.get(0);
      assertThat(upload.method()).isEqualTo("POST");
      assertThat(upload.target()).isEqualTo("/upload");
      assertThat(upload.status()).isEqualTo(200);
      assertThat(upload.pool()).isEqualTo("web");
      assertThat(upload.backend()).isEqualTo("b");
      assertThat(upload.bytesIn()).isEqualTo(5);
      assertThat(upload.bytesOut()).isGreaterThan(2);
      assertThat(upload.firstByteBeforeTotal()).isTrue();
      Seen notFound = capture.seen.get(1);
      assertThat(notFound.status()).isEqualTo(404);
      assertThat(notFound.error()).isNull();
      Seen bad = capture.seen.get(2);
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.error()).isEqualTo("bad-request");
      assertThat(bad.method()).isEqualTo("-");
      // Round robin sends requests to the dead backend too: they are retried, not failed.
      assertThat(capture.retried).isNotEmpty().allMatch("dead:connect-refused"::equals);
      assertThat(capture.seen.get(0).retries() + capture.seen.get(1).retries())
          .isEqualTo(capture.retried.size());
    }
  }
}
