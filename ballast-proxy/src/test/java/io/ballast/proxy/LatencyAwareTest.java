package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.p2cewma.P2cEwmaBalancerFactory;
import io.ballast.core.config.PoolConfig;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** p2c-ewma keeps the tail low when one of three backends turns slow. */
@ExtendWith(NettyLeakCheck.class)
class LatencyAwareTest {

  static final int CLIENTS = 4;

  record Sample(String backend, long nanos) {}

  @Test
  void p2cEwmaAvoidsATenTimesSlowerBackend() throws Exception {
    try (TestBackend f1 = TestBackend.start("fast1").delay(20);
        TestBackend f2 = TestBackend.start("fast2").delay(20);
        TestBackend slow = TestBackend.start("slow").delay(200);
        ProxyFixture p =
            new ProxyFixture(
                TestConfigs.builder()
                    .listener("web", 0, "web")
                    .pool("web", "p2c-ewma", LatencyAwareTest::shortDecay, f1, f2, slow)
                    .build())) {
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<List<Sample>>> futures = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    List<Sample> samples = new ArrayList<>();
                    try (RawHttpClient c = new RawHttpClient(p.port())) {
                      for (int i = 0; i < 270; i++) {
                        long start = System.nanoTime();
                        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                        String b = c.read().header("X-Backend");
                        if (i >= 20) { // past the warm-up, when every backend gets tried
                          samples.add(new Sample(b, System.nanoTime() - start));
                        }
                      }
                    }
                    return samples;
                  }));
        }
        List<Sample> all = new ArrayList<>();
        for (Future<List<Sample>> f : futures) {
          all.addAll(f.get());
        }
        List<Sample> steady = all;
        long toSlow = steady.stream().filter(s -> s.backend().equals("slow")).count();
        List<Long> fast = new ArrayList<>();
        List<Long> every = new ArrayList<>();
        for (Sample s : steady) {
          every.add(s.nanos());
          if (!s.backend().equals("slow")) {
            fast.add(s.nanos());
          }
        }
        assertThat(p99(every)).isLessThanOrEqualTo((long) (p99(fast) * 1.5));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * {@code algorithm-options: { decay: 1s }}: a spike on a fast backend (this machine is shared) is
   * forgotten within a second instead of ten.
   */
  private static PoolConfig shortDecay(PoolConfig p) {
    P2cEwmaBalancerFactory.Options options =
        new P2cEwmaBalancerFactory.Options(
            Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1));
    return p.withBalancer(p.algorithm(), new BalancerSpec(new P2cEwmaBalancerFactory(), options));
  }

  private static long p99(List<Long> xs) {
    List<Long> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
  }
}
