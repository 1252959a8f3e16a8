package io.ballast.bench.balance;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.RequestInfo;
import io.ballast.core.balance.RequestResult;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Picks per second for every balancing algorithm at 10, 100 and 10,000 backends, with some load in
 * flight (so least-loaded pickers have something to compare) and latency history (for {@code
 * p2c-ewma}). Run with {@code -t 2} to see contention on shared cursors.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar PickerBenchmark -p backends=100
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class PickerBenchmark {

  /** The pool and its picker, shared by all benchmark threads as event loops share them. */
  @State(Scope.Benchmark)
  public static class Pool {
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

    @Param({"10", "100", "10000"})
    public int backends;

    Picker picker;
    List<Endpoint> endpoints;

    @Setup(Level.Trial)
    public void setUp() {
      endpoints = BenchPools.endpoints(backends);
      Balancer balancer = BenchPools.balancer(algorithm);
      picker = balancer.update(endpoints);
      SplittableRandom r = new SplittableRandom(7);
      Result result = new Result();
      for (Endpoint e : endpoints) {
        Backend b = e.backend();
        int inflight = r.nextInt(20);
        for (int i = 0; i < inflight; i++) {
          b.load().requestStarted();
        }
        result.latencyNanos = 1_000_000 + r.nextInt(10_000_000);
        result.header = "TEXT cpu_utilization=0." + (1 + r.nextInt(9)) + ", rps_fractional=100";
        picker.onResult(b, result);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      for (Endpoint e : endpoints) {
        while (e.backend().load().inflight() > 0) {
          e.backend().load().requestEnded();
        }
      }
    }
  }

  /** One event loop's reusable pick context and a spread of client addresses. */
  @State(Scope.Thread)
  public static class Loop {
    final PickContext context = new PickContext(Randoms.threadLocal());
    final RequestInfo[] requests = BenchPools.requests(4096);
    int next;

    RequestInfo nextRequest() {
      return requests[next++ & 4095];
    }
  }

  @Benchmark
  public Backend pick(Pool pool, Loop loop) {
    return pool.picker.pick(loop.context.reset(loop.nextRequest()));
  }

  /** A reusable mutable result, as the data plane keeps one per connection. */
  static final class Result implements RequestResult {
    long latencyNanos;
    String header;

    @Override
    public long latencyNanos() {
      return latencyNanos;
    }

    @Override
    public int status() {
      return 200;
    }

    @Override
    public boolean failed() {
      return false;
    }

    @Override
    public CharSequence responseHeader(CharSequence name) {
      return header;
    }
  }
}
