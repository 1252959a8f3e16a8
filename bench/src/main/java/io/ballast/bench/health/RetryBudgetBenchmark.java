package io.ballast.bench.health;

import io.ballast.core.health.RetryBudget;
import io.ballast.core.time.Ticker;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a pool's retry budget costs every client request ({@link RetryBudget#requestStarted()} and
 * {@link RetryBudget#requestEnded()}), when event loops on two cores share one budget and when each
 * has its own: the price of the shared atomics' cache lines moving between cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class RetryBudgetBenchmark {
  /** One budget for every thread, as a pool's budget was shared by every event loop before. */
  @State(Scope.Benchmark)
  public static class Shared {
    final RetryBudget budget = new RetryBudget(0.2, 10, Ticker.system());
  }

  /**
   * A budget per thread, as each event loop has its share of a pool's ({@code RetryBudget.share}).
   */
  @State(Scope.Thread)
  public static class PerThread {
    final RetryBudget budget = new RetryBudget(0.2, 10, Ticker.system());
  }

  @Benchmark
  public void shared(Shared s) {
    s.budget.requestStarted();
    s.budget.requestEnded();
  }

  @Benchmark
  public void perThread(PerThread s) {
    s.budget.requestStarted();
    s.budget.requestEnded();
  }
}
