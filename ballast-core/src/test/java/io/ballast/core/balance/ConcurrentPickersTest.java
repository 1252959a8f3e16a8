package io.ballast.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.Pools.FakeResult;
import io.ballast.core.balance.Pools.FakeTicker;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every picker under concurrent picks and results from four threads (as four event loops), with
 * time moving: no exceptions, never null on a non-empty pool, every backend reachable.
 */
class ConcurrentPickersTest {

  static List<String> algorithms() {
    return AllPickersTest.algorithms();
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void fourLoopsPickAndReport(String name) throws Exception {
    FakeTicker ticker = new FakeTicker();
    List<Backend> bs = Pools.backends(5);
    Picker p =
        Pools.balancer(name, ticker, HashOn.SOURCE_IP, 1)
            .update(Pools.endpoints(bs, 1, 2, 3, 4, 5));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> loops = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long seed = t;
      Thread loop =
          new Thread(
              () -> {
                PickContext ctx = new PickContext(Randoms.seeded(seed));
                FakeResult result =
                    new FakeResult(
                        2_000_000,
                        200,
                        false,
                        "endpoint-load-metrics",
                        "TEXT cpu_utilization=0.5, rps_fractional=100");
                try {
                  start.await();
                  for (int i = 0; i < 20_000; i++) {
                    Backend b =
                        p.pick(ctx.reset(Pools.FakeRequest.from("10.0." + seed + "." + i % 250)));
                    if (b == null) {
                      throw new AssertionError("null pick");
                    }
                    b.load().requestStarted();
                    ticker.advanceNanos(100_000);
                    b.load().requestEnded();
                    p.onResult(b, result);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      loops.add(loop);
      loop.start();
    }
    start.countDown();
    for (Thread loop : loops) {
      loop.join();
    }
    assertThat(failure.get()).isNull();
    for (Backend b : bs) {
      assertThat(b.load().inflight()).isZero();
    }
  }
}
