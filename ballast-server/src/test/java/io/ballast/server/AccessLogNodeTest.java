package io.ballast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.admin.accesslog.AccessLogs;
import io.ballast.core.config.AccessLogConfig;
import io.ballast.core.config.AccessLogConfig.Format;
import io.ballast.core.config.BallastConfig;
import io.ballast.server.cli.Signals;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowingConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access logs through a real node: exact lines for known requests (JSON and combined), a writer
 * that cannot write (a pipe nobody reads) does not slow the proxy and its drops are counted, and
 * files are reopened for logrotate.
 */
@ExtendWith(NettyLeakCheck.class)
class AccessLogNodeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final TestBackend b1 = TestBackend.start("b1");
  private Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    b1.close();
  }

  private Node start(AccessLogConfig accessLog, boolean admin) {
    BallastConfig c =
        TestConfigs.builder()
            .listener("web", 0, "web", List.of(), l -> l.withAccessLog(accessLog))
            .pool("web", "round-robin", b1)
            .build();
    node = Node.start(admin ? NodeFixtures.withAdmin(c, null) : c);
    return node;
  }

  /** Sends raw bytes on a new connection and returns every byte of the answer. */
  private byte[] exchange(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.proxy().port("web"))) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return s.getInputStream().readAllBytes();
    }
  }

  private AccessLogs logs() {
    return node.observability().accessLogs();
  }

  private List<String> linesOnceWritten(Path file, int n) throws Exception {
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> logs().written() >= n);
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  @Test
  void jsonLinesCarryEveryField() throws Exception {
    Path file = dir.resolve("access.json");
    start(new AccessLogConfig(Format.JSON, file, 8192), false);
    long before = System.currentTimeMillis();
    byte[] r1 =
        exchange(
            "GET /hello?x=1 HTTP/1.1\r\nHost: a.example\r\nUser-Agent: probe/1.0\r\n"
                + "Referer: http://from.example/\r\nConnection: close\r\n\r\n");
    byte[] r2 =
        exchange(
            "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
                + "hello");
    byte[] r3 = exchange("GET /status?code=404 HTTP/1.0\r\n\r\n");
    long after = System.currentTimeMillis();

    List<String> lines = linesOnceWritten(file, 3);
    assertThat(lines).hasSize(3);
    List<Map<String, Object>> fixed = new ArrayList<>();
    for (String line : lines) {
      JsonNode j = JSON.readTree(line);
      assertThat(line).doesNotContain("\n");
      // Timings vary: numbers >= 0, the first byte before the end.
      for (String t : List.of("queue_ms", "connect_ms", "ttfb_ms", "total_ms")) {
        assertThat(j.get(t).isNumber()).as(t).isTrue();
        assertThat(j.get(t).asDouble()).as(t).isGreaterThanOrEqualTo(0);
      }
      assertThat(j.get("ttfb_ms").asDouble()).isLessThanOrEqualTo(j.get("total_ms").asDouble());
      long time = Instant.parse(j.get("time").asText()).toEpochMilli();
      assertThat(time).isBetween(before, after);
      assertThat(j.get("client_port").asInt()).isPositive();
      Map<String, Object> m = new LinkedHashMap<>();
      j.properties()
          .forEach(
              e -> {
                if (!List.of("time", "client_port", "queue_ms", "connect_ms", "ttfb_ms", "total_ms")
                    .contains(e.getKey())) {
                  m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
                }
              });
      fixed.add(m);
    }
    assertThat(fixed.get(0))
        .containsExactlyEntriesOf(
            expected(
                "GET",
                "/hello?x=1",
                "HTTP/1.1",
                200,
                0,
                r1.length,
                0,
                "http://from.example/",
                "probe/1.0"));
    assertThat(fixed.get(1))
        .containsExactlyEntriesOf(
            expected("POST", "/upload", "HTTP/1.1", 200, 5, r2.length, 0, null, null));
    assertThat(fixed.get(2))
        .containsExactlyEntriesOf(
            expected("GET", "/status?code=404", "HTTP/1.0", 404, 0, r3.length, 0, null, null));
    assertThat(logs().dropped()).isZero();
  }

  private static Map<String, Object> expected(
      String method,
      String path,
      String protocol,
      int status,
      long in,
      long out,
      int retries,
      String referer,
      String userAgent) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("listener", "web");
    m.put("client", "127.0.0.1");
    m.put("method", method);
    m.put("path", path);
    m.put("protocol", protocol);
    m.put("status", String.valueOf(status));
    m.put("bytes_in", String.valueOf(in));
    m.put("bytes_out", String.valueOf(out));
    m.put("pool", "web");
    m.put("backend", "b1");
    m.put("retries", String.valueOf(retries));
    m.put("referer", referer);
    m.put("user_agent", userAgent);
    m.put("error", null);
    return m;
  }

  @Test
  void combinedLinesAreNcsaThenBallastFields() throws Exception {
    Path file = dir.resolve("access.log");
    start(new AccessLogConfig(Format.COMBINED, file, 8192), false);
    long before = System.currentTimeMillis() / 1000 * 1000;
    byte[] r1 =
        exchange(
            "GET /a/b?q=\"x\" HTTP/1.1\r\nHost: h\r\nUser-Agent: Mozilla/5.0 (X11)\r\n"
                + "Referer: http://r.example/p\r\nConnection: close\r\n\r\n");
    byte[] r2 = exchange("DELETE /thing HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    long after = System.currentTimeMillis();

    List<String> lines = linesOnceWritten(file, 2);
    assertThat(lines).hasSize(2);
    String timing =
        "queue_ms=0\\.000 connect_ms=\\d+\\.\\d{3} ttfb_ms=\\d+\\.\\d{3} total_ms=\\d+\\.\\d{3}";
    Pattern first =
        Pattern.compile(
            Pattern.quote("127.0.0.1 - - [")
                + "([^]]+)"
                + Pattern.quote(
                    "] \"GET /a/b?q=\\x22x\\x22 HTTP/1.1\" 200 "
                        + r1.length
                        + " \"http://r.example/p\" \"Mozilla/5.0 (X11)\" pool=web backend=b1"
                        + " retries=0 ")
                + timing
                + Pattern.quote(" error=-"));
    Pattern second =
        Pattern.compile(
            Pattern.quote("127.0.0.1 - - [")
                + "([^]]+)"
                + Pattern.quote(
                    "] \"DELETE /thing HTTP/1.1\" 200 "
                        + r2.length
                        + " \"-\" \"-\" pool=web backend=b1 retries=0 ")
                + timing
                + Pattern.quote(" error=-"));
    Matcher m1 = first.matcher(lines.get(0));
    Matcher m2 = second.matcher(lines.get(1));
    assertThat(m1.matches()).as(lines.get(0)).isTrue();
    assertThat(m2.matches()).as(lines.get(1)).isTrue();
    DateTimeFormatter clf = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    for (Matcher m : List.of(m1, m2)) {
      long t = ZonedDateTime.parse(m.group(1), clf).toInstant().toEpochMilli();
      assertThat(t).isBetween(before, after);
    }
  }

  @Test
  void aWriterThatCannotWriteNeverSlowsTheProxyAndDropsAreCounted() throws Exception {
    Path fifo = dir.resolve("stuck.pipe");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0)
        .as("mkfifo works here")
        .isTrue();
    // A reader that opens the pipe and never reads: once the pipe's 64 KiB are full, every write
    // blocks, like a stdout nobody drains.
    AtomicReference<InputStream> reader = new AtomicReference<>();
    Thread opener =
        new Thread(
            () -> {
              try {
                reader.set(new FileInputStream(fifo.toFile()));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    opener.setDaemon(true);
    opener.start();
    int buffer = 16;
    start(new AccessLogConfig(Format.JSON, fifo, buffer), true);
    opener.join(10_000);

    int n = 600;
    long slowest = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      assertThat(NodeFixtures.proxyGet(node, "/x").statusCode()).isEqualTo(200);
      slowest = Math.max(slowest, System.nanoTime() - t0);
    }
    // 600 lines of ~330 bytes are far more than the pipe holds: the writer is stuck, the queue
    // full, the rest dropped — and no request waited for it.
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(2));
    // Every line is written, dropped, or pending (queued, or in the write that is stuck). The
    // event loop records an exchange just after flushing its response, so the client can see the
    // last response a moment before its line is counted: wait for it (a lost line times out).
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> logs().written() + logs().dropped() + logs().pending() == n);
    long dropped = logs().dropped();
    long written = logs().written();
    assertThat(dropped).isGreaterThan(100);

    PrometheusText m =
        PrometheusText.parse(NodeFixtures.call(node, "GET", "/metrics", null).body());
    assertThat(
            m.value(
                "ballast_access_log_dropped_total", "log", fifo.toString(), "reason", "queue-full"))
        .isEqualTo(dropped);
    assertThat(m.value("ballast_access_log_lines_total", "log", fifo.toString()))
        .isEqualTo(written);

    // Drain the pipe so the writer can finish and the node stop cleanly.
    Thread drain =
        new Thread(
            () -> {
              try (InputStream in = reader.get()) {
                in.transferTo(OutputStream.nullOutputStream());
              } catch (Exception e) {
                // the pipe closed
              }
            });
    drain.setDaemon(true);
    drain.start();
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> logs().pending() == 0);
  }

  @Test
  void reopenedForLogrotateOnSigusr1() throws Exception {
    Path file = dir.resolve("rotate.log");
    start(new AccessLogConfig(Format.COMMON, file, 8192), false);
    exchange("GET /one HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    linesOnceWritten(file, 1);
    // logrotate moves the file away, then signals.
    Path rotated = dir.resolve("rotate.log.1");
    Files.move(file, rotated);
    boolean signalled =
        Signals.handle("USR1", node::reopenLogs)
            && new ProcessBuilder("kill", "-USR1", String.valueOf(ProcessHandle.current().pid()))
                    .start()
                    .waitFor()
                == 0;
    if (!signalled) {
      node.reopenLogs(); // what the handler does, where signals can't be used
    }
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(file));
    exchange("GET /two HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    List<String> fresh = linesOnceWritten(file, 2);
    assertThat(fresh).hasSize(1);
    assertThat(fresh.get(0)).contains("\"GET /two HTTP/1.1\" 200");
    List<String> old = Files.readAllLines(rotated);
    assertThat(old).hasSize(1);
    assertThat(old.get(0)).startsWith("127.0.0.1 - - [").contains("\"GET /one HTTP/1.1\" 200");
  }

  @Test
  void aReloadChangesTheLogWithoutARestart() throws Exception {
    Path log = dir.resolve("reload.log");
    Path config = dir.resolve("ballast.yaml");
    String yaml =
        """
        node: { name: edge-1, shutdown-grace: 2s }
        admin: { enabled: false }
        listeners:
          - { name: web, listen: 127.0.0.1:%d, pool: web, access-log: %s }
        pools:
          - { name: web, backends: [ { id: b1, address: %s } ] }
        """;
    int port = NodeFixtures.freePort();
    Files.writeString(
        config, yaml.formatted(port, "{ format: json, to: " + log + " }", b1.address()));
    node = Node.start(io.ballast.core.config.ConfigLoader.load(config, registry()), config);
    exchange("GET /json HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    linesOnceWritten(log, 1);

    // Rewrites the config with another access-log setting and reloads it.
    ThrowingConsumer<String> reload =
        accessLog -> {
          Files.writeString(config, yaml.formatted(port, accessLog, b1.address()));
          assertThat(node.reload().get(10, TimeUnit.SECONDS).outcome())
              .isEqualTo(io.ballast.admin.ReloadResult.Outcome.RELOADED);
        };
    reload.accept("{ format: common, to: " + log + " }");
    exchange("GET /common HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    List<String> lines = linesOnceWritten(log, 2);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("{\"time\":").contains("\"path\":\"/json\"");
    assertThat(lines.get(1)).startsWith("127.0.0.1 - - [").contains("\"GET /common HTTP/1.1\"");

    reload.accept("off");
    exchange("GET /quiet HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");

    // Logging back on: the next line written follows the two above, so /quiet never was.
    reload.accept("{ format: common, to: " + log + " }");
    exchange("GET /after HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    List<String> all = linesOnceWritten(log, 3);
    assertThat(all).hasSize(3);
    assertThat(all.get(2)).contains("\"GET /after HTTP/1.1\"");
    assertThat(all).noneMatch(l -> l.contains("/quiet"));
  }

  private static io.ballast.core.balance.BalancerRegistry registry() {
    return io.ballast.core.balance.BalancerRegistry.defaults();
  }
}
