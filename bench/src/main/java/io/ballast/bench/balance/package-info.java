/**
 * JMH benchmarks for the balancing algorithms: picks per second at 10, 100 and 10,000 backends
 * ({@link io.ballast.bench.balance.PickerBenchmark}) and the cost of rebuilding a picker over
 * 10,000 endpoints ({@link io.ballast.bench.balance.UpdateBenchmark}).
 */
package io.ballast.bench.balance;
