package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigLoader;
import io.ballast.core.model.Backend;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.testing.ExternalBackend;
import io.ballast.testing.LoadLoop;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The acceptance scenarios: 64 client connections of GETs in a closed loop through the
 * proxy to three real backends, while one of them (or all) misbehaves. Counted, not sampled.
 */
@ExtendWith(NettyLeakCheck.class)
class FaultToleranceTest {
  static final int CONNECTIONS = 64;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T t) {
    resources.add(t);
    return t;
  }

  /** The three backends most tests run: b1 and b2 on host hv-a, b3 on hv-b. */
  private record Backends(TestBackend b1, TestBackend b2, TestBackend b3) {
    int[] ports() {
      return new int[] {b1.port(), b2.port(), b3.port()};
    }

    List<TestBackend> all() {
      return List.of(b1, b2, b3);
    }
  }

  private Backends backends() throws Exception {
    return new Backends(
        track(TestBackend.start("b1")),
        track(TestBackend.start("b2")),
        track(TestBackend.start("b3")));
  }

  private ProxyFixture proxy(String pool, Backends b) throws Exception {
    return track(new ProxyFixture(config(pool, b.ports())));
  }

  private static BallastConfig config(String pool, int... ports) throws Exception {
    StringBuilder y = new StringBuilder();
    y.append("node: { event-loops: 2 }\n");
    y.append("listeners: [ { name: web, listen: 127.0.0.1:1, pool: web } ]\n");
    y.append("pools:\n  - name: web\n");
    for (String line : pool.strip().split("\n")) {
      y.append("    ").append(line).append('\n');
    }
    y.append("    backends:\n");
    String[] hosts = {"hv-a", "hv-a", "hv-b"};
    for (int i = 0; i < ports.length; i++) {
      y.append("      - { id: b")
          .append(i + 1)
          .append(", address: 127.0.0.1:")
          .append(ports[i])
          .append(", host: ")
          .append(hosts[i % hosts.length])
          .append(" }\n");
    }
    BallastConfig c = ConfigLoader.parse(y.toString(), "test.yaml", BalancerRegistry.defaults());
    // Bind the listener on a free port (the config language requires a real one).
    return io.ballast.testing.TestConfigs.onFreePort(c);
  }

  private LoadLoop load(ProxyFixture p) {
    LoadLoop l = track(LoadLoop.start(p.port(), CONNECTIONS, "/", 120));
    await().atMost(Duration.ofSeconds(20)).until(() -> l.ok() > 2_000);
    return l;
  }

  @Test
  void a_aBackendKilledWithSigkillCostsNoRequest() throws Exception {
    ExternalBackend b1 = track(ExternalBackend.start("b1"));
    ExternalBackend b2 = track(ExternalBackend.start("b2"));
    ExternalBackend b3 = track(ExternalBackend.start("b3"));
    ProxyFixture p =
        track(
            new ProxyFixture(
                config(
                    "algorithm: least-request\nhealth: { active: { type: http, interval: 1s } }",
                    b1.port(),
                    b2.port(),
                    b3.port())));
    LoadLoop l = load(p);
    b2.kill();
    long atKill = l.ok();
    await().atMost(Duration.ofSeconds(20)).until(() -> l.ok() > atKill + 5_000);
    l.stop();
    assertThat(l.failed()).as("failed requests: %s", l.failures()).isZero();
  }

  @Test
  void b_aBackendAnswering503IsRetriedAndEjectedWithinASecond() throws Exception {
    Backends b = backends();
    ProxyFixture p = proxy("algorithm: round-robin", b);
    LoadLoop l = load(p);
    long start = System.nanoTime();
    b.b2().mode(TestBackend.Mode.UNAVAILABLE);
    await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> !p.controlPlane.current().pool("web").endpoint("b2").healthy());
    long ejectedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long atEject = l.ok();
    await().atMost(Duration.ofSeconds(20)).until(() -> l.ok() > atEject + 3_000);
    l.stop();
    assertThat(ejectedAfterMillis).isLessThanOrEqualTo(1_000);
    assertThat(l.failed()).as("failed requests: %s", l.failures()).isZero();
    assertThat(p.controlPlane.current().pool("web").endpoint("b2").healthReason())
        .startsWith("ejected: ");
  }

  @Test
  void b2_503WithPassingActiveChecksIsStillEjected() throws Exception {
    Backends b = backends();
    ProxyFixture p =
        proxy(
            "algorithm: least-request\ntimeouts: { connect: 1s, response: 500ms }\n"
                + "health: { active: { type: http, path: /healthz, interval: 1s, timeout: 500ms } }",
            b);
    LoadLoop l = load(p);
    await().atMost(Duration.ofSeconds(10)).until(() -> l.ok() > 5_000);
    b.b2().mode(TestBackend.Mode.UNAVAILABLE);
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> !p.controlPlane.current().pool("web").endpoint("b2").healthy());
    long atEject = l.ok();
    await().atMost(Duration.ofSeconds(20)).until(() -> l.ok() > atEject + 3_000);
    l.stop();
    assertThat(l.failed()).as("failed requests: %s", l.failures()).isZero();
  }

  @Test
  void b3_aBackendAboutToBeEjectedGetsNoNewTriesUntilTheControlPlaneActs() throws Exception {
    Backends b = backends();
    ProxyFixture p = proxy("algorithm: round-robin", b);
    Backend b2 = p.controlPlane.current().pool("web").endpoint("b2").backend();
    // What an event loop does when b2's error streak reaches the ejection threshold; the control
    // plane clears it once it has acted (here it never hears of it).
    b2.load().ejectionPending(true);
    LoadLoop l = load(p);
    l.stop();
    assertThat(b.b2().requests()).isZero();
    assertThat(l.failed()).as("failed requests: %s", l.failures()).isZero();
    b2.load().ejectionPending(false);
    LoadLoop again = load(p);
    again.stop();
    assertThat(b.b2().requests()).isPositive();
  }

  @Test
  void b4_theOnlyBackendStillServesWhileItsEjectionIsPending() throws Exception {
    TestBackend only = track(TestBackend.start("b1"));
    ProxyFixture p = track(new ProxyFixture(config("algorithm: round-robin", only.port())));
    p.controlPlane.current().pool("web").endpoint("b1").backend().load().ejectionPending(true);
    assertThat(p.get("/").statusCode()).isEqualTo(200);
    assertThat(only.requests()).isEqualTo(1);
  }

  @Test
  void c_aBlackHoleIsCutByTheResponseTimeoutRetriedAndEjected() throws Exception {
    Backends b = backends();
    ProxyFixture p = proxy("algorithm: round-robin\ntimeouts: { connect: 1s, response: 300ms }", b);
    LoadLoop l = load(p);
    b.b2().mode(TestBackend.Mode.BLACK_HOLE);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !p.controlPlane.current().pool("web").endpoint("b2").healthy());
    long atEject = l.ok();
    long b1Before = l.servedBy("b1");
    await().atMost(Duration.ofSeconds(20)).until(() -> l.ok() > atEject + 3_000);
    l.stop();
    assertThat(l.failed()).as("failed requests: %s", l.failures()).isZero();
    assertThat(l.servedBy("b1")).as("the others keep serving").isGreaterThan(b1Before + 1_000);
  }

  @Test
  void d_aFullBrownoutNeverMultipliesLoadAndRecoversFast() throws Exception {
    Backends b = backends();
    // Every finished request reports its tries (1 + retries): the exact ratio, with no
    // in-flight requests skewing a count taken at the backends.
    java.util.concurrent.atomic.LongAdder exchanges = new java.util.concurrent.atomic.LongAdder();
    java.util.concurrent.atomic.LongAdder tries = new java.util.concurrent.atomic.LongAdder();
    io.ballast.proxy.observe.ListenerObserver counting =
        new io.ballast.proxy.observe.ListenerObserver() {
          @Override
          public void exchangeCompleted(io.ballast.proxy.observe.ExchangeRecord r) {
            exchanges.increment();
            tries.add(1 + r.retries);
          }
        };
    ProxyFixture p =
        track(new ProxyFixture(config("algorithm: round-robin", b.ports()), name -> counting));
    LoadLoop l = load(p);
    long attemptsBefore = tries.sum();
    long requestsBefore = exchanges.sum();
    for (TestBackend each : b.all()) {
      each.mode(TestBackend.Mode.UNAVAILABLE);
    }
    long brownoutStart = System.nanoTime();
    // The steady state starts once the credit carried into the brownout is spent (one second).
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> System.nanoTime() - brownoutStart >= TimeUnit.SECONDS.toNanos(1));
    long attemptsSteady = tries.sum();
    long requestsSteady = exchanges.sum();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> System.nanoTime() - brownoutStart >= TimeUnit.SECONDS.toNanos(10));
    long attemptsEnd = tries.sum();
    long requestsEnd = exchanges.sum();
    long attempts = attemptsEnd - attemptsSteady;
    long requests = requestsEnd - requestsSteady;
    long allAttempts = attemptsEnd - attemptsBefore;
    long allRequests = requestsEnd - requestsBefore;
    for (TestBackend each : b.all()) {
      each.mode(TestBackend.Mode.NORMAL);
    }
    long recovered = System.nanoTime();
    // Within 5 s of recovery, a quarter-second window of requests is at least 99% successful.
    long[] window = {l.ok(), l.failed()};
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              long ok = l.ok() - window[0];
              long failed = l.failed() - window[1];
              window[0] += ok;
              window[1] += failed;
              return ok > 100 && ok >= 0.99 * (ok + failed);
            });
    long recoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered);
    l.stop();
    assertThat(requests).isGreaterThan(1_000);
    assertThat((double) attempts / requests)
        .as("upstream attempts per client request in the brownout (%d / %d)", attempts, requests)
        .isLessThanOrEqualTo(1.1);
    // Over the whole brownout the only extra is the credit carried in: at most one retry per
    // request in flight at the recent peak (never more than the client's connections).
    assertThat(allAttempts).isLessThanOrEqualTo((long) (1.1 * allRequests) + CONNECTIONS);
    assertThat(recoveryMillis).isLessThanOrEqualTo(5_000);
  }

  @Test
  void e_aHostMarkedDownMovesItsTrafficAtOnce() throws Exception {
    Backends b = backends(); // b1 and b2 on hv-a, b3 on hv-b
    ProxyFixture p =
        proxy("algorithm: least-request\nhealth: { active: { type: http, interval: 1s } }", b);
    LoadLoop l = load(p);
    long start = System.nanoTime();
    p.controlPlane.setHostDown("hv-a", true, "hypervisor maintenance").join();
    PoolSnapshot pool = p.controlPlane.current().pool("web");
    assertThat(pool.endpoint("b1").healthy()).isFalse();
    assertThat(pool.endpoint("b2").healthy()).isFalse();
    long b1At = b.b1().requests();
    long b2At = b.b2().requests();
    long okAt = l.ok();
    await().atMost(Duration.ofSeconds(10)).until(() -> l.ok() > okAt + 2_000);
    long movedWithinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    l.stop();
    // Only requests already in flight when the host went down may still land there.
    assertThat(b.b1().requests() - b1At + b.b2().requests() - b2At)
        .isLessThanOrEqualTo(CONNECTIONS);
    assertThat(l.failed()).as("failed requests: %s", l.failures()).isZero();
    assertThat(movedWithinMillis).isLessThan(10_000);
  }
}
