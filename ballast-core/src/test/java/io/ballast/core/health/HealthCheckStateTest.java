package io.ballast.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.ActiveCheckConfig;
import io.ballast.core.config.HealthConfig.InitState;
import io.ballast.core.config.HttpCheckConfig;
import io.ballast.core.config.Payload;
import io.ballast.core.config.ReplyMatcher;
import io.ballast.core.config.StatusSet;
import io.ballast.core.config.TcpExpectConfig;
import io.ballast.core.health.HealthCheckState.Change;
import io.ballast.core.time.Randoms;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckStateTest {
  private static final long MS = 1_000_000L;

  private final Fixtures.Clock clock = new Fixtures.Clock();

  /** interval 2s, fast 500ms, down 10s, no jitter, rise 2, fall 3. */
  private static ActiveCheckConfig config(double jitter) {
    return new ActiveCheckConfig(
        ActiveCheckConfig.CheckType.HTTP,
        Duration.ofSeconds(2),
        Duration.ofMillis(500),
        Duration.ofSeconds(10),
        jitter,
        Duration.ofSeconds(1),
        2,
        3,
        0,
        HttpCheckConfig.defaults(),
        null,
        null);
  }

  private HealthCheckState state(InitState init) {
    return new HealthCheckState(config(0), init, clock.ticker(), Randoms.seeded(1));
  }

  private static CheckResult ok() {
    return CheckResult.passed("HTTP 200", 3 * MS);
  }

  private static CheckResult fail() {
    return CheckResult.failed("HTTP 503", 4 * MS);
  }

  @Test
  void fallConsecutiveFailuresTakeItDownOnceAndRiseBringItBack() {
    HealthCheckState s = state(InitState.UP);
    assertThat(s.up()).isTrue();
    assertThat(s.lastResult()).isNull();
    assertThat(s.lastLatencyNanos()).isEqualTo(-1);
    assertThat(s.reason()).isEqualTo("not checked yet (init-state: up)");
    assertThat(s.baseDelayNanos()).isEqualTo(2000 * MS);

    assertThat(s.record(ok())).isEqualTo(Change.NONE);
    assertThat(s.record(fail())).isEqualTo(Change.NONE);
    assertThat(s.transitioning()).isTrue();
    assertThat(s.baseDelayNanos()).isEqualTo(500 * MS); // fastinter while going down
    assertThat(s.record(fail())).isEqualTo(Change.NONE);
    assertThat(s.up()).isTrue();

    clock.advance(Duration.ofSeconds(7));
    assertThat(s.record(fail())).isEqualTo(Change.WENT_DOWN);
    assertThat(s.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(s.changedAtNanos()).isEqualTo(clock.now());
    assertThat(s.reason()).isEqualTo("HTTP 503 (3 checks in a row failed)");
    assertThat(s.lastResult()).isEqualTo(fail());
    assertThat(s.lastLatencyNanos()).isEqualTo(4 * MS);
    assertThat(s.transitioning()).isFalse();
    assertThat(s.baseDelayNanos()).isEqualTo(10_000 * MS); // downinter

    // Reported exactly once: more failures change nothing.
    assertThat(s.record(fail())).isEqualTo(Change.NONE);
    assertThat(s.record(fail())).isEqualTo(Change.NONE);

    assertThat(s.record(ok())).isEqualTo(Change.NONE);
    assertThat(s.transitioning()).isTrue();
    assertThat(s.baseDelayNanos()).isEqualTo(500 * MS); // fastinter while coming up
    assertThat(s.record(ok())).isEqualTo(Change.WENT_UP);
    assertThat(s.up()).isTrue();
    assertThat(s.reason()).isEqualTo("HTTP 200 (2 checks in a row passed)");
    assertThat(s.baseDelayNanos()).isEqualTo(2000 * MS);
    assertThat(s.record(ok())).isEqualTo(Change.NONE);
    assertThat(s.checks()).isEqualTo(9);
  }

  @Test
  void alternatingResultsNeverTransition() {
    HealthCheckState s = state(InitState.UP);
    for (int i = 0; i < 20; i++) {
      assertThat(s.record(fail())).isEqualTo(Change.NONE);
      assertThat(s.record(fail())).isEqualTo(Change.NONE);
      assertThat(s.record(ok())).isEqualTo(Change.NONE);
    }
    assertThat(s.up()).isTrue();
    assertThat(s.failedInRow()).isZero();
    assertThat(s.passedInRow()).isEqualTo(1);
  }

  @Test
  void initStateDownNeedsRisePassedChecks() {
    HealthCheckState s = state(InitState.DOWN);
    assertThat(s.up()).isFalse();
    assertThat(s.reason()).isEqualTo("not checked yet (init-state: down)");
    assertThat(s.baseDelayNanos()).isEqualTo(10_000 * MS);
    assertThat(s.record(ok())).isEqualTo(Change.NONE);
    assertThat(s.record(fail())).isEqualTo(Change.NONE); // a failure restarts the count
    assertThat(s.record(ok())).isEqualTo(Change.NONE);
    assertThat(s.record(ok())).isEqualTo(Change.WENT_UP);
  }

  @Test
  void riseAndFallOfOneActOnTheFirstResult() {
    ActiveCheckConfig c = config(0).withTiming(Duration.ofSeconds(1), Duration.ofMillis(300), 1, 1);
    HealthCheckState s = new HealthCheckState(c, InitState.DOWN, clock.ticker(), Randoms.seeded(1));
    assertThat(s.record(ok())).isEqualTo(Change.WENT_UP);
    assertThat(s.reason()).isEqualTo("HTTP 200 (1 check passed)");
    assertThat(s.record(fail())).isEqualTo(Change.WENT_DOWN);
    assertThat(s.record(ok())).isEqualTo(Change.WENT_UP);
    // withTiming restores the default fast and down intervals for the new interval.
    assertThat(c.fastInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.downInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitterStaysWithinBoundsAndSpreadsAcrossThem() {
    HealthCheckState s =
        new HealthCheckState(config(0.1), InitState.UP, clock.ticker(), Randoms.seeded(42));
    long base = 2000 * MS;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    double sum = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      long d = s.nextDelayNanos();
      assertThat(d).isBetween((long) (base * 0.9), (long) (base * 1.1));
      min = Math.min(min, d);
      max = Math.max(max, d);
      sum += d;
    }
    assertThat(min).isLessThan((long) (base * 0.901));
    assertThat(max).isGreaterThan((long) (base * 1.099));
    assertThat(sum / n / base).isBetween(0.995, 1.005);

    // Jitter applies to the fast and down intervals too.
    s.record(fail());
    for (int i = 0; i < 1000; i++) {
      assertThat(s.nextDelayNanos()).isBetween(450 * MS, 550 * MS);
    }
  }

  @Test
  void noJitterMeansExactDelays() {
    HealthCheckState s = state(InitState.UP);
    assertThat(s.nextDelayNanos()).isEqualTo(2000 * MS);
    assertThat(s.nextDelayNanos()).isEqualTo(2000 * MS);
  }

  @Test
  void initialDelaysSpreadOverOneInterval() {
    HealthCheckState s = state(InitState.UP);
    boolean early = false;
    boolean late = false;
    for (int i = 0; i < 1000; i++) {
      long d = s.initialDelayNanos();
      assertThat(d).isBetween(0L, 2000 * MS - 1);
      early |= d < 200 * MS;
      late |= d > 1800 * MS;
    }
    assertThat(early).isTrue();
    assertThat(late).isTrue();
  }

  @Test
  void checkResultReasons() {
    HttpCheckConfig http =
        new HttpCheckConfig("GET", "/healthz", null, StatusSet.range(200, 299), "ok");
    assertThat(CheckResult.http(http, 200, "all ok", 5))
        .isEqualTo(CheckResult.passed("HTTP 200", 5));
    assertThat(CheckResult.http(http, 503, "ok", 5)).isEqualTo(CheckResult.failed("HTTP 503", 5));
    assertThat(CheckResult.http(http, 200, "degraded", 5).reason())
        .isEqualTo("body did not contain 'ok'");
    assertThat(CheckResult.http(http, 200, null, 5).passed()).isFalse();
    HttpCheckConfig noBody = HttpCheckConfig.defaults();
    assertThat(CheckResult.http(noBody, 302, null, 5).passed()).isTrue();
    assertThat(CheckResult.http(noBody, 404, null, 5).reason()).isEqualTo("HTTP 404");

    assertThat(CheckResult.timeout(Duration.ofSeconds(1)))
        .isEqualTo(CheckResult.failed("timeout after 1s", 1_000_000_000L));
    assertThat(CheckResult.timeout(Duration.ofMillis(1500)).reason())
        .isEqualTo("timeout after 1500ms");
    assertThat(CheckResult.connectRefused(7).reason()).isEqualTo("connect refused");
    assertThat(CheckResult.connectionClosed(7).reason())
        .isEqualTo("connection closed before a reply");
    assertThat(CheckResult.connected(7)).isEqualTo(CheckResult.passed("connected", 7));

    TcpExpectConfig redis =
        new TcpExpectConfig(Payload.parse("PING\\r\\n"), ReplyMatcher.parse("+PONG"));
    assertThat(CheckResult.reply(redis, "+PONG\r\n", 2).reason())
        .isEqualTo("reply matched '+PONG'");
    assertThat(CheckResult.reply(redis, "-LOADING Redis is loading\r\n", 2).reason())
        .isEqualTo("reply did not match '+PONG': got '-LOADING Redis is loading\\r\\n'");
    assertThat(CheckResult.reply(redis, "", 2).reason()).isEqualTo("no reply (expected '+PONG')");
    assertThat(CheckResult.reply(redis, "\u0000\u00ff" + "x".repeat(60), 2).reason())
        .isEqualTo("reply did not match '+PONG': got '\\x00\\xff" + "x".repeat(32) + "...'");

    assertThat(CheckResult.agent(AgentReport.parse("up 75%\n"), 1))
        .isEqualTo(CheckResult.passed("agent: up 75%", 1));
    assertThat(CheckResult.agent(AgentReport.parse("stopped #upgrade"), 1))
        .isEqualTo(CheckResult.failed("agent: stopped (upgrade)", 1));
    assertThat(CheckResult.agent(AgentReport.parse("hello"), 1))
        .isEqualTo(CheckResult.failed("agent: unknown word 'hello' in 'hello'", 1));
  }
}
