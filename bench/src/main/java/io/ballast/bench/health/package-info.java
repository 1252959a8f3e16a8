/**
 * JMH benchmarks of the fault-tolerance state that every request touches: what a pool's retry
 * budget costs when event loops on several cores share it ({@link
 * io.ballast.bench.health.RetryBudgetBenchmark}).
 */
package io.ballast.bench.health;
