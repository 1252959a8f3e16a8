package io.ballast.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PanicPolicyTest {

  /** threshold | healthy | total | in panic. */
  @ParameterizedTest(name = "{0} threshold, {1} of {2} healthy: {3}")
  @CsvSource({
    "0.5, 2, 4, false", // exactly at the threshold: not below it
    "0.5, 1, 4, true",
    "0.5, 3, 4, false",
    "0.5, 1, 2, false",
    "0.5, 0, 1, true", // nothing healthy: balance across all
    "0.5, 1, 1, false",
    "0.3, 3, 10, false", // 0.3 × 10 is 3.0000000000000004 in floating point
    "0.3, 2, 10, true",
    "0.7, 7, 10, false", // 0.7 × 10 is 7.000000000000001
    "0.29, 29, 100, false",
    "0.29, 28, 100, true",
    "1.0, 9, 10, true", // 100%: any unhealthy backend panics
    "1.0, 10, 10, false",
    "0.0, 0, 10, false", // 0 turns panic off
    "0.5, 0, 0, false", // an empty pool has nothing to spread over
    "0.01, 0, 3, true",
  })
  void edges(double threshold, int healthy, int total, boolean panic) {
    assertThat(new PanicPolicy(threshold).inPanic(healthy, total)).isEqualTo(panic);
  }

  @Test
  void offNeverPanics() {
    assertThat(PanicPolicy.OFF.inPanic(0, 100)).isFalse();
  }

  @Test
  void describe() {
    assertThat(new PanicPolicy(0.5).describe("web", 1, 4))
        .isEqualTo(
            "pool 'web' in panic: 1 of 4 backends healthy (25%), below the 50% threshold;"
                + " balancing across all 4");
    assertThat(new PanicPolicy(0.5).describe("web", 1, 3))
        .isEqualTo(
            "pool 'web' in panic: 1 of 3 backends healthy (33.3%), below the 50% threshold;"
                + " balancing across all 3");
  }

  @Test
  void rejectsThresholdsOutsideZeroToOne() {
    assertThatThrownBy(() -> new PanicPolicy(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PanicPolicy(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PanicPolicy(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void percentFormatting() {
    assertThat(Percent.format(0.62)).isEqualTo("62%");
    assertThat(Percent.format(0.625)).isEqualTo("62.5%");
    assertThat(Percent.format(0.8432)).isEqualTo("84.3%");
    assertThat(Percent.format(1)).isEqualTo("100%");
    assertThat(Percent.format(0)).isEqualTo("0%");
    assertThat(Percent.format(-0.005)).isEqualTo("-0.5%");
    assertThat(Percent.format(-0.12)).isEqualTo("-12%");
  }
}
