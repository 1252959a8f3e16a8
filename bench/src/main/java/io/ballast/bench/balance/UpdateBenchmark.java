package io.ballast.bench.balance;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.Picker;
import io.ballast.core.model.Endpoint;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long {@link Balancer#update} takes to build a picker over 10,000 endpoints: the control
 * plane's cost per snapshot (a health flap, a weight change). Target: under 50 ms for every
 * algorithm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UpdateBenchmark {
  @Param({
    "round-robin",
    "weighted-round-robin",
    "least-connections",
    "random",
    "least-request",
    "p2c-ewma",
    "maglev",
    "ring-hash",
    "source-hash",
    "first",
    "load-report"
  })
  public String algorithm;

  @Param({"10000"})
  public int backends;

  private List<Endpoint> endpoints;
  private Balancer balancer;

  @Setup
  public void setUp() {
    endpoints = BenchPools.endpoints(backends);
    balancer = BenchPools.balancer(algorithm);
  }

  @Benchmark
  public Picker update() {
    return balancer.update(endpoints);
  }
}
