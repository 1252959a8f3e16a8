package io.ballast.core.balance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.core.time.Randoms;
import org.junit.jupiter.api.Test;

class AliasTableTest {

  @Test
  void samplesInProportionToWeight() {
    int[] weights = {1, 2, 3, 0, 10};
    AliasTable t = AliasTable.of(weights);
    var random = Randoms.seeded(7);
    int[] counts = new int[weights.length];
    int n = 1_600_000;
    for (int i = 0; i < n; i++) {
      counts[t.sample(random)]++;
    }
    assertThat(counts[3]).isZero();
    for (int i = 0; i < weights.length; i++) {
      assertThat(counts[i] / (double) n).isCloseTo(weights[i] / 16.0, within(0.002));
    }
  }
}
