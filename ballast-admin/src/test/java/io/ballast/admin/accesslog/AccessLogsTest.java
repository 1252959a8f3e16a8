package io.ballast.admin.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.AccessLogConfig;
import io.ballast.core.config.AccessLogConfig.Format;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import io.ballast.proxy.observe.ExchangeRecord;
import io.ballast.proxy.observe.ListenerObserver;
import io.ballast.testing.TestConfigs;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access logs fed known exchanges directly (no sockets), so every byte of every line — timings
 * included — is known; and targets shared between listeners, and a stream that never drains.
 */
class AccessLogsTest {
  private static final long START = 1_740_823_200_123L; // 2025-03-01T10:00:00.123Z

  @TempDir Path dir;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final ControlPlane world =
      new ControlPlane(executor, Ticker.system(), Randoms.threadLocal());
  private AccessLogs logs;

  @AfterEach
  void stop() {
    if (logs != null) {
      logs.close();
    }
    executor.shutdownNow();
  }

  private void configure(AccessLogConfig a, AccessLogConfig b) {
    BallastConfig c =
        TestConfigs.builder()
            .listener("a", 0, "web", List.of(), l -> l.withAccessLog(a))
            .listener("b", 0, "web", List.of(), l -> l.withAccessLog(b))
            .poolOf(
                "web",
                "round-robin",
                UnaryOperator.identity(),
                List.of(TestConfigs.backend("web-1", 9001, 100)))
            .build();
    world.applyConfig(c).join();
  }

  private static ExchangeRecord record(String listener) {
    ExchangeRecord r = new ExchangeRecord();
    r.reset();
    r.startEpochMillis = START;
    r.client = new InetSocketAddress("10.1.2.3", 53122);
    r.listener = listener;
    r.pool = "web";
    r.backend =
        new Backend(
            "web",
            "web-1",
            new HostPort("127.0.0.1", 9001),
            new InetSocketAddress("127.0.0.1", 9001),
            "web-1",
            "hv-a");
    r.method = "GET";
    r.target = "/hello?x=\"1\"";
    r.protocol = "HTTP/1.1";
    r.referer = "http://from.example/";
    r.userAgent = "curl/8.5.0";
    r.status = 200;
    r.bytesIn = 0;
    r.bytesOut = 178;
    r.retries = 1;
    r.queueNanos = 0;
    r.connectNanos = 412_345;
    r.firstByteNanos = 1_873_999;
    r.totalNanos = 1_921_000;
    return r;
  }

  private List<String> lines(Path file, int n) throws IOException {
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> logs.written() >= n);
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static String clfTime() {
    return clfTime(START);
  }

  private static String clfTime(long epochMillis) {
    return DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
        .format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault()));
  }

  @Test
  void everyFormatExactly() throws Exception {
    Path json = dir.resolve("a.json");
    Path ncsa = dir.resolve("b.log");
    configure(
        new AccessLogConfig(Format.JSON, json, 64), new AccessLogConfig(Format.COMBINED, ncsa, 64));
    logs = new AccessLogs(world);
    ListenerObserver a = logs.listener("a");
    ListenerObserver b = logs.listener("b");
    assertThat(a.wantsRequestHeaders()).isTrue();
    a.exchangeCompleted(record("a"));
    b.exchangeCompleted(record("b"));
    ExchangeRecord cut = record("b");
    cut.status = 0;
    cut.bytesOut = 0;
    cut.firstByteNanos = 0;
    cut.referer = null;
    cut.userAgent = null;
    cut.error = "client-closed";
    b.exchangeCompleted(cut);

    assertThat(lines(json, 3))
        .containsExactly(
            "{\"time\":\"2025-03-01T10:00:00.123Z\",\"listener\":\"a\",\"client\":\"10.1.2.3\","
                + "\"client_port\":53122,\"method\":\"GET\",\"path\":\"/hello?x=\\\"1\\\"\","
                + "\"protocol\":\"HTTP/1.1\",\"status\":200,\"bytes_in\":0,\"bytes_out\":178,"
                + "\"pool\":\"web\",\"backend\":\"web-1\",\"retries\":1,\"queue_ms\":0.000,"
                + "\"connect_ms\":0.412,\"ttfb_ms\":1.873,\"total_ms\":1.921,"
                + "\"referer\":\"http://from.example/\",\"user_agent\":\"curl/8.5.0\","
                + "\"error\":null}");
    assertThat(lines(ncsa, 3))
        .containsExactly(
            "10.1.2.3 - - ["
                + clfTime()
                + "] \"GET /hello?x=\\x221\\x22 HTTP/1.1\" 200 178 \"http://from.example/\""
                + " \"curl/8.5.0\" pool=web backend=web-1 retries=1 queue_ms=0.000"
                + " connect_ms=0.412 ttfb_ms=1.873 total_ms=1.921 error=-",
            "10.1.2.3 - - ["
                + clfTime()
                + "] \"GET /hello?x=\\x221\\x22 HTTP/1.1\" 0 - \"-\" \"-\" pool=web"
                + " backend=web-1 retries=1 queue_ms=0.000 connect_ms=0.412 ttfb_ms=0.000"
                + " total_ms=1.921 error=client-closed");
  }

  @Test
  void commonSkipsTheHeadersAndARejectedRequestHasDashes() throws Exception {
    Path file = dir.resolve("c.log");
    configure(new AccessLogConfig(Format.COMMON, file, 64), AccessLogConfig.OFF);
    logs = new AccessLogs(world);
    ListenerObserver a = logs.listener("a");
    assertThat(a.wantsRequestHeaders()).isFalse();
    assertThat(logs.listener("b").wantsRequestHeaders()).isFalse();
    ExchangeRecord bad = new ExchangeRecord();
    bad.reset();
    bad.startEpochMillis = START;
    bad.client = new InetSocketAddress("10.1.2.3", 1);
    bad.listener = "a";
    bad.status = 400;
    bad.bytesOut = 90;
    bad.totalNanos = 5_000;
    bad.error = "bad-request";
    a.exchangeCompleted(bad);
    logs.listener("b").exchangeCompleted(record("b")); // off: nothing
    assertThat(lines(file, 1))
        .containsExactly(
            "10.1.2.3 - - ["
                + clfTime()
                + "] \"-\" 400 90 pool=- backend=- retries=0 queue_ms=0.000 connect_ms=0.000"
                + " ttfb_ms=0.000 total_ms=0.005 error=bad-request");
  }

  @Test
  void listenersNamingOneFileShareItsWriter() throws Exception {
    Path file = dir.resolve("shared.log");
    configure(
        new AccessLogConfig(Format.COMMON, file, 16), new AccessLogConfig(Format.JSON, file, 1024));
    logs = new AccessLogs(world);
    ListenerObserver a = logs.listener("a");
    ListenerObserver b = logs.listener("b");
    for (int i = 0; i < 50; i++) {
      a.exchangeCompleted(record("a"));
      b.exchangeCompleted(record("b"));
    }
    List<String> lines = lines(file, 100);
    assertThat(lines).hasSize(100);
    assertThat(lines.stream().filter(l -> l.startsWith("{"))).hasSize(50);
    assertThat(logs.dropped()).isZero();
  }

  @Test
  void unusualValuesExactly() throws Exception {
    Path json = dir.resolve("odd.json");
    Path ncsa = dir.resolve("odd.log");
    configure(
        new AccessLogConfig(Format.JSON, json, 64), new AccessLogConfig(Format.COMBINED, ncsa, 64));
    logs = new AccessLogs(world);
    for (String listener : List.of("a", "b")) {
      ListenerObserver o = logs.listener(listener);
      ExchangeRecord odd = record(listener);
      odd.startEpochMillis = START + 61_007;
      odd.client =
          new InetSocketAddress(
              Inet6Address.getByAddress(
                  null,
                  new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                  3),
              443);
      odd.pool = "p\u00f6\u00f6l";
      odd.method = new AsciiString("PATCH");
      byte[] raw = {
        'x',
        'x',
        '/',
        'p',
        (byte) 0xe9,
        '?',
        'q',
        '=',
        '"',
        'a',
        '\\',
        'b',
        1,
        0x7f,
        '\t',
        ' ',
        (byte) 0xff,
        'x'
      };
      odd.target = new AsciiString(raw, 2, raw.length - 3, false);
      odd.protocol = "HTTP/1.0";
      odd.referer = "r\u00e9f\u20ac\uD83D\uDE00\uD800x\n\r\"\\\u0000";
      byte[] ua = {'-', 'u', 'a', '/', '1', '-'};
      odd.userAgent = new AsciiString(ua, 1, 4, false);
      odd.status = 599;
      odd.bytesIn = Long.MAX_VALUE;
      odd.bytesOut = 1;
      odd.retries = 12345;
      odd.queueNanos = -5;
      odd.connectNanos = 999;
      odd.firstByteNanos = 1_000_000_000_123L;
      odd.totalNanos = Long.MAX_VALUE;
      odd.error = "x\"y";
      o.exchangeCompleted(odd);
      ExchangeRecord bare = new ExchangeRecord();
      bare.reset();
      bare.startEpochMillis = START - 1;
      bare.listener = listener;
      bare.referer = "";
      bare.bytesIn = Long.MIN_VALUE;
      bare.bytesOut = -1;
      o.exchangeCompleted(bare);
      ExchangeRecord v4 = record(listener);
      v4.bytesOut = 1_000_000_007L;
      v4.status = 1000;
      o.exchangeCompleted(v4);
    }
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> logs.written() >= 6);
    String clfOdd = clfTime(START + 61_007);
    String clfBare = clfTime(START - 1);
    // Non-ASCII from a String is UTF-8 in JSON (an unpaired surrogate is '?'), bytes of the wire
    // (AsciiString) are Latin-1 characters; NCSA escapes both as \xHH of the character's low byte.
    assertThat(Files.readString(json, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"time\":\"2025-03-01T10:01:01.130Z\",\"listener\":\"a\",\"client\":\"fe80:0:0:0:0:0:0:1\","
                + "\"client_port\":443,\"method\":\"PATCH\","
                + "\"path\":\"/p\u00e9?q=\\\"a\\\\b\\u0001\\u007f\\t \u00ff\",\"protocol\":\"HTTP/1.0\","
                + "\"status\":599,\"bytes_in\":9223372036854775807,\"bytes_out\":1,"
                + "\"pool\":\"p\u00f6\u00f6l\",\"backend\":\"web-1\",\"retries\":12345,"
                + "\"queue_ms\":0.000,\"connect_ms\":0.000,\"ttfb_ms\":1000000.000,"
                + "\"total_ms\":9223372036854.775,"
                + "\"referer\":\"r\u00e9f\u20ac\ud83d\ude00?x\\n\\r\\\"\\\\\\u0000\","
                + "\"user_agent\":\"ua/1\",\"error\":\"x\\\"y\"}\n"
                + "{\"time\":\"2025-03-01T10:00:00.122Z\",\"listener\":\"a\",\"client\":\"-\","
                + "\"client_port\":0,\"method\":\"-\",\"path\":\"-\",\"protocol\":\"HTTP/1.1\","
                + "\"status\":0,\"bytes_in\":-9223372036854775808,\"bytes_out\":-1,\"pool\":null,"
                + "\"backend\":null,\"retries\":0,\"queue_ms\":0.000,\"connect_ms\":0.000,"
                + "\"ttfb_ms\":0.000,\"total_ms\":0.000,\"referer\":\"\",\"user_agent\":null,"
                + "\"error\":null}\n"
                + "{\"time\":\"2025-03-01T10:00:00.123Z\",\"listener\":\"a\",\"client\":\"10.1.2.3\","
                + "\"client_port\":53122,\"method\":\"GET\",\"path\":\"/hello?x=\\\"1\\\"\","
                + "\"protocol\":\"HTTP/1.1\",\"status\":1000,\"bytes_in\":0,"
                + "\"bytes_out\":1000000007,\"pool\":\"web\",\"backend\":\"web-1\",\"retries\":1,"
                + "\"queue_ms\":0.000,\"connect_ms\":0.412,\"ttfb_ms\":1.873,\"total_ms\":1.921,"
                + "\"referer\":\"http://from.example/\",\"user_agent\":\"curl/8.5.0\","
                + "\"error\":null}\n");
    assertThat(Files.readString(ncsa, StandardCharsets.UTF_8))
        .isEqualTo(
            "fe80:0:0:0:0:0:0:1 - - ["
                + clfOdd
                + "] \"PATCH /p\\xe9?q=\\x22a\\x5cb\\x01\\x7f\\x09 \\xff HTTP/1.0\" 599 1"
                + " \"r\\xe9f\\xac\\x3d\\x00\\x00x\\x0a\\x0d\\x22\\x5c\\x00\" \"ua/1\""
                + " pool=p\u00f6\u00f6l backend=web-1 retries=12345 queue_ms=0.000"
                + " connect_ms=0.000 ttfb_ms=1000000.000 total_ms=9223372036854.775 error=x\"y\n"
                + "- - - ["
                + clfBare
                + "] \"-\" 0 - \"-\" \"-\" pool=- backend=- retries=0 queue_ms=0.000"
                + " connect_ms=0.000 ttfb_ms=0.000 total_ms=0.000 error=-\n"
                + "10.1.2.3 - - ["
                + clfTime()
                + "] \"GET /hello?x=\\x221\\x22 HTTP/1.1\" 1000 1000000007"
                + " \"http://from.example/\" \"curl/8.5.0\" pool=web backend=web-1 retries=1"
                + " queue_ms=0.000 connect_ms=0.412 ttfb_ms=1.873 total_ms=1.921 error=-\n");
  }

  @Test
  void aStreamThatNeverDrainsDropsInsteadOfBlocking() throws Exception {
    configure(new AccessLogConfig(Format.JSON, null, 16), AccessLogConfig.OFF);
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuck =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              release.await(); // a stdout nobody reads
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
          }
        };
    logs = new AccessLogs(world, c -> () -> stuck);
    ListenerObserver a = logs.listener("a");
    long t0 = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      a.exchangeCompleted(record("a"));
    }
    long elapsed = System.nanoTime() - t0;
    assertThat(TimeUnit.NANOSECONDS.toSeconds(elapsed)).isLessThan(5);
    assertThat(logs.dropped()).isGreaterThanOrEqualTo(10_000 - 16 - 64);
    assertThat(logs.written() + logs.dropped() + logs.pending()).isEqualTo(10_000);
    release.countDown();
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> logs.pending() == 0);
    assertThat(logs.written() + logs.dropped()).isEqualTo(10_000);
  }
}
