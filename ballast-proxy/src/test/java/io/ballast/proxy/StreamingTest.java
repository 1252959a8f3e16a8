package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 1 GiB each way through the proxy, with Content-Length and chunked framing. Surefire runs this
 * class in its own JVM with {@code -Xmx256m} (and so at most 256 MiB of direct memory): it passes
 * only if bodies stream with back-pressure instead of being buffered.
 */
@ExtendWith(NettyLeakCheck.class)
class StreamingTest {
  static final long GIB = 1L << 30;
  static TestBackend backend;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    assertThat(Runtime.getRuntime().maxMemory())
        .as("this test must run with a bounded heap (-Xmx256m)")
        .isLessThanOrEqualTo(300L << 20);
    backend = TestBackend.start("big");
    proxy = new ProxyFixture(TestConfigs.simple("round-robin", backend));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  @ParameterizedTest(name = "chunked={0}")
  @ValueSource(booleans = {false, true})
  void downloadsOneGibibyte(boolean chunked) throws Exception {
    HttpResponse<InputStream> r =
        proxy.client.send(
            HttpRequest.newBuilder(proxy.uri("/download?bytes=" + GIB + "&chunked=" + chunked))
                .timeout(Duration.ofMinutes(2))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    long total = 0;
    int period = TestBackend.PATTERN_PERIOD;
    byte[] buf = new byte[256 * 1024];
    try (InputStream in = r.body()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          int pos = (int) ((total + i) % period);
          if (buf[i] != (byte) (pos * 31 + 7)) {
            throw new AssertionError("corrupt byte at offset " + (total + i));
          }
        }
        total += n;
      }
    }
    assertThat(total).isEqualTo(GIB);
  }

  @ParameterizedTest(name = "chunked={0}")
  @ValueSource(booleans = {false, true})
  void uploadsOneGibibyte(boolean chunked) throws Exception {
    CRC32 expected = new CRC32();
    HttpRequest.BodyPublisher body =
        chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(GIB, null))
            : HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(GIB, null)), GIB);
    // The CRC of what we send, computed the same way the stream produces it.
    try (PatternStream s = new PatternStream(GIB, expected)) {
      s.transferTo(java.io.OutputStream.nullOutputStream());
    }
    HttpResponse<String> r =
        proxy.client.send(
            HttpRequest.newBuilder(proxy.uri("/upload-crc"))
                .timeout(Duration.ofMinutes(2))
                .POST(body)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(GIB + " " + expected.getValue() + "\n");
  }

  @Test
  void heapStayedBounded() {
    Runtime rt = Runtime.getRuntime();
    assertThat(rt.totalMemory()).isLessThanOrEqualTo(rt.maxMemory());
  }

  /** Generates {@code length} bytes of a fixed pattern without holding them. */
  static final class PatternStream extends InputStream {
    private final long length;
    private final CRC32 crc;
    private long pos;

    PatternStream(long length, CRC32 crc) {
      this.length = length;
      this.crc = crc;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - pos);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) ((pos + i) * 131 + 3);
      }
      if (crc != null) {
        crc.update(b, off, n);
      }
      pos += n;
      return n;
    }
  }
}
