package io.ballast.core.balance.loadreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.balance.Pools.FakeResult;
import io.ballast.core.balance.Pools.FakeTicker;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadReportTest {
  private static final String HEADER = "endpoint-load-metrics";

  private final FakeTicker ticker = new FakeTicker();
  private final List<Backend> bs = Pools.backends(3);
  private final Balancer balancer = Pools.balancer("load-report", ticker, HashOn.SOURCE_IP, 1);
  private final Picker picker = balancer.update(Pools.endpoints(bs));

  private void report(Backend b, double utilization) {
    picker.onResult(
        b,
        FakeResult.withHeader(
            HEADER, "TEXT cpu_utilization=" + utilization + ", rps_fractional=100, eps=0"));
  }

  private void reportAll() {
    report(bs.get(0), 0.9);
    report(bs.get(1), 0.3);
  }

  private double[] shares(int picks) {
    Map<Backend, Integer> c = Pools.count(picker, new PickContext(Randoms.seeded(1)), picks);
    double[] s = new double[3];
    for (int i = 0; i < 3; i++) {
      s[i] = c.getOrDefault(bs.get(i), 0) / (double) picks;
    }
    return s;
  }

  @Test
  void parsesOrcaText() {
    assertThat(
            OrcaText.weight(
                "TEXT cpu_utilization=0.7, rps_fractional=120, application_utilization=0.5, eps=2",
                1.0))
        .isCloseTo(120 / (0.5 + 2 / 120.0), within(1e-9));
    assertThat(OrcaText.weight("TEXT cpu_utilization=0.5, rps_fractional=100", 1.0))
        .isCloseTo(200, within(1e-9));
    assertThat(OrcaText.weight("cpu_utilization=0.5,rps_fractional=1e2,named_metrics.x=3", 1.0))
        .isCloseTo(200, within(1e-9));
    assertThat(OrcaText.weight("TEXT cpu_utilization=0.5", 1.0)).isZero(); // no qps
    assertThat(OrcaText.weight("TEXT cpu_utilization=abc, rps_fractional=10", 1.0)).isZero();
    assertThat(OrcaText.weight("garbage", 1.0)).isZero();
    assertThat(OrcaText.weight(null, 1.0)).isZero();
  }

  @Test
  void busierBackendGetsLessInProportion() {
    // Reports keep coming through the blackout period.
    for (int s = 0; s <= 11; s++) {
      reportAll();
      ticker.advance(Duration.ofSeconds(1));
    }
    double[] s = shares(60_000);
    // Weights 100/0.9 = 111, 100/0.3 = 333, and the mean 222 for the silent one.
    assertThat(s[0]).isCloseTo(111.1 / 666.7, within(0.005));
    assertThat(s[1]).isCloseTo(333.3 / 666.7, within(0.005));
    assertThat(s[2]).isCloseTo(222.2 / 666.7, within(0.005));
    assertThat(s[1] / s[0]).isCloseTo(3.0, within(0.05));
  }

  @Test
  void reportsAreIgnoredDuringBlackout() {
    for (int s = 0; s < 9; s++) {
      reportAll();
      ticker.advance(Duration.ofSeconds(1));
    }
    double[] s = shares(30_000);
    for (double x : s) {
      assertThat(x).isCloseTo(1 / 3.0, within(0.01));
    }
  }

  @Test
  void staleReportsExpire() {
    for (int s = 0; s <= 11; s++) {
      reportAll();
      ticker.advance(Duration.ofSeconds(1));
    }
    assertThat(shares(6_000)[1]).isGreaterThan(0.45);
    ticker.advance(Duration.ofMinutes(3));
    double[] s = shares(30_000);
    for (double x : s) {
      assertThat(x).isCloseTo(1 / 3.0, within(0.01));
    }
    // Reporting again starts a new blackout.
    reportAll();
    ticker.advance(Duration.ofSeconds(2));
    reportAll();
    assertThat(shares(30_000)[1]).isCloseTo(1 / 3.0, within(0.01));
  }

  @Test
  void reportsSurvivePickerRebuilds() {
    for (int s = 0; s <= 11; s++) {
      reportAll();
      ticker.advance(Duration.ofSeconds(1));
    }
    Picker rebuilt = balancer.update(Pools.endpoints(bs));
    Map<Backend, Integer> c = Pools.count(rebuilt, new PickContext(Randoms.seeded(1)), 60_000);
    assertThat(c.get(bs.get(1)) / 60_000.0).isCloseTo(0.5, within(0.005));
  }
}
