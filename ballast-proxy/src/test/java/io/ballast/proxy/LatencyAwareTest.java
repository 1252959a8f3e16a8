package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
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

  static final int CLIENTS = 6;

  record Sample(String backend, long nanos) {}

  @Test
  void p2cEwmaAvoidsATenTimesSlowerBackend() throws Exception {
    try (TestBackend f1 = TestBackend.start("fast1");
        TestBackend f2 = TestBackend.start("fast2");
        TestBackend slow = TestBackend.start("slow")) {
      // Warm the JVM's code paths first: a cold first request is slow, and a peak-EWMA
      // remembers peaks by design — a fast backend must not start out looking slow.
      try (ProxyFixture warm = new ProxyFixture(TestConfigs.simple("round-robin", f1, f2, slow))) {
        run(warm, 400);
      }
      // Latencies large next to scheduling noise on a shared machine: 50 ms vs 500 ms.
      f1.delay(50);
      f2.delay(50);
      slow.delay(500);
      try (ProxyFixture p = new ProxyFixture(TestConfigs.simple("p2c-ewma", f1, f2, slow))) {
        check(p);
      }
    }
  }

  private static void run(ProxyFixture p, int requestsPerClient) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        all.add(
            pool.submit(
                () -> {
                  try (RawHttpClient c = new RawHttpClient(p.port())) {
                    for (int i = 0; i < requestsPerClient; i++) {
                      c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                      c.read();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void check(ProxyFixture p) throws Exception {
    {
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<List<Sample>>> futures = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    List<Sample> samples = new ArrayList<>();
                    try (RawHttpClient c = new RawHttpClient(p.port())) {
                      for (int i = 0; i < 200; i++) {
                        long start = System.nanoTime();
                        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                        String b = c.read().header("X-Backend");
                        if (i >= 10) { // past the warm-up, when every backend gets tried
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

  private static long p99(List<Long> xs) {
    List<Long> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
  }
}
