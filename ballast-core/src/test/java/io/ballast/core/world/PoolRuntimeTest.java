package io.ballast.core.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.RetryConfig;
import io.ballast.core.time.Ticker;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolRuntimeTest {
  private final PoolRuntime runtime = new PoolRuntime("web");

  @Test
  void eachEventLoopHasItsOwnRetryBudgetUntilTheSettingsChange() {
    assertThat(runtime.retryBudget(0, 2)).as("before the control plane configured it").isNull();
    RetryConfig config = RetryConfig.defaults();
    runtime.retryConfig(config, Ticker.system());
    var first = runtime.retryBudget(0, 2);
    var second = runtime.retryBudget(1, 2);
    assertThat(first).isNotNull().isNotSameAs(second);
    assertThat(runtime.retryBudget(0, 2)).isSameAs(first);

    // A reload with the same settings keeps the budgets, and their earned credit.
    runtime.retryConfig(
        new RetryConfig(
            config.attempts(),
            config.budget(),
            config.minRetriesPerSecond(),
            config.on(),
            config.statuses(),
            config.perTryTimeout(),
            config.buffer(),
            config.idempotentOnly()),
        Ticker.system());
    assertThat(runtime.retryBudget(0, 2)).isSameAs(first);

    // New settings start fresh budgets.
    runtime.retryConfig(
        new RetryConfig(
            3, 0.5, 1, Set.of(), config.statuses(), Duration.ZERO, config.buffer(), true),
        Ticker.system());
    assertThat(runtime.retryBudget(0, 2)).isNotSameAs(first);
  }
}
