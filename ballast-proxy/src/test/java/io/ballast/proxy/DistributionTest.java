package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How algorithms spread real requests over real backends. */
@ExtendWith(NettyLeakCheck.class)
class DistributionTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private TestBackend backend(String id) {
    TestBackend b = TestBackend.start(id);
    resources.add(b);
    return b;
  }

  private static List<String> sequence(int port, int n) throws Exception {
    List<String> seen = new ArrayList<>(n);
    try (RawHttpClient c = new RawHttpClient(port)) {
      for (int i = 0; i < n; i++) {
        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        seen.add(c.read().header("X-Backend"));
      }
    }
    return seen;
  }

  @Test
  void roundRobinIsExact() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    ProxyFixture p = new ProxyFixture(TestConfigs.simple("round-robin", a, b, c));
    resources.add(p);
    List<String> seen = sequence(p.port(), 300);
    for (int i = 3; i < seen.size(); i++) {
      assertThat(seen.get(i)).isEqualTo(seen.get(i - 3));
    }
    assertThat(counts(seen))
        .containsEntry("a", 100)
        .containsEntry("b", 100)
        .containsEntry("c", 100);
  }

  @Test
  void weightedRoundRobinHitsItsProportionsAndInterleaves() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    ProxyFixture p =
        new ProxyFixture(
            TestConfigs.builder()
                .listener("web", 0, "web")
                .poolOf(
                    "web",
                    "weighted-round-robin",
                    x -> x,
                    List.of(
                        TestConfigs.backend("a", a.port(), 500),
                        TestConfigs.backend("b", b.port(), 300),
                        TestConfigs.backend("c", c.port(), 200)))
                .build());
    resources.add(p);
    List<String> seen = sequence(p.port(), 10_000);
    Map<String, Integer> counts = counts(seen);
    assertThat(counts.get("a")).isBetween(4_900, 5_100);
    assertThat(counts.get("b")).isBetween(2_900, 3_100);
    assertThat(counts.get("c")).isBetween(1_900, 2_100);
    // Smooth: the heaviest backend never gets a burst (NGINX's order for 5,3,2 has runs of 2).
    assertThat(longestRun(seen)).isLessThanOrEqualTo(2);
  }

  @Test
  void leastConnectionsSteersAwayFromASlowBackend() throws Exception {
    TestBackend fast1 = backend("fast1");
    TestBackend fast2 = backend("fast2");
    TestBackend slow = backend("slow").delay(100);
    ProxyFixture p = new ProxyFixture(TestConfigs.simple("least-connections", fast1, fast2, slow));
    resources.add(p);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> sequence(p.port(), 150)));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : results) {
        all.addAll(f.get());
      }
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      Map<String, Integer> counts = counts(all);
      int slowCount = counts.getOrDefault("slow", 0);
      // The slow backend only gets a request when it has none (or, in a race, one) in flight, so
      // it serves about one per 100 ms of the run however fast the machine is; round robin would
      // give it a third of the 1,200 (and make the run last 5 s: 50 × 100 ms).
      assertThat(slowCount).isLessThanOrEqualTo((int) (2 * elapsedMs / 100) + 8);
      assertThat(slowCount).isLessThan(all.size() / 10);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, Integer> counts(List<String> seen) {
    Map<String, Integer> m = new HashMap<>();
    for (String s : seen) {
      m.merge(s, 1, Integer::sum);
    }
    return m;
  }

  private static int longestRun(List<String> seen) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < seen.size(); i++) {
      run = i > 0 && seen.get(i).equals(seen.get(i - 1)) ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    return longest;
  }
}
