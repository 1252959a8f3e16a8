package io.ballast.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.core.balance.Pools.FakeTicker;
import io.ballast.core.config.SlowStartConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowStartTest {
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void linearRamp() {
    SlowStartConfig config = new SlowStartConfig(Duration.ofSeconds(30), 1.0, 0.1);
    long since = ticker.nanoTime();
    assertThat(SlowStart.factor(config, since, ticker.nanoTime())).isEqualTo(0.1);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(SlowStart.factor(config, since, ticker.nanoTime())).isEqualTo(0.1); // 1/30 < min
    ticker.advance(Duration.ofSeconds(14));
    assertThat(SlowStart.factor(config, since, ticker.nanoTime())).isCloseTo(0.5, within(1e-9));
    assertThat(SlowStart.effectiveWeight(100, config, since, ticker.nanoTime())).isEqualTo(50);
    assertThat(SlowStart.ramping(config, since, ticker.nanoTime())).isTrue();
    ticker.advance(Duration.ofSeconds(15));
    assertThat(SlowStart.factor(config, since, ticker.nanoTime())).isEqualTo(1.0);
    assertThat(SlowStart.ramping(config, since, ticker.nanoTime())).isFalse();
    assertThat(SlowStart.effectiveWeight(100, config, since, ticker.nanoTime())).isEqualTo(100);
  }

  @Test
  void aggressionTwoRampsFasterEarly() {
    SlowStartConfig config = new SlowStartConfig(Duration.ofSeconds(100), 2.0, 0.0);
    long since = ticker.nanoTime();
    double previous = 0;
    for (int s = 0; s <= 100; s += 5) {
      double f = SlowStart.factor(config, since, since + Duration.ofSeconds(s).toNanos());
      assertThat(f).isCloseTo(Math.sqrt(s / 100.0), within(1e-9));
      assertThat(f).isGreaterThanOrEqualTo(previous);
      previous = f;
    }
    // A quarter of the way in, aggression 2 gives half the weight.
    assertThat(SlowStart.factor(config, since, since + Duration.ofSeconds(25).toNanos()))
        .isCloseTo(0.5, within(1e-9));
  }

  @Test
  void offAndEdgeCases() {
    assertThat(SlowStart.factor(SlowStartConfig.OFF, 0, 0)).isEqualTo(1.0);
    assertThat(SlowStart.factor(null, 0, 0)).isEqualTo(1.0);
    SlowStartConfig config = new SlowStartConfig(Duration.ofSeconds(10), 1.0, 0.0);
    // Never below 1 while the weight is positive, so a ramping backend stays eligible.
    assertThat(SlowStart.effectiveWeight(3, config, 0, 1)).isEqualTo(1);
    assertThat(SlowStart.effectiveWeight(0, config, 0, 1)).isZero();
  }
}
