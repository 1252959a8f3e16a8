package io.ballast.core.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigLoader;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlPlaneTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final ControlPlane cp = new ControlPlane(executor, now::get, Randoms.seeded(1));

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static BallastConfig config(String algorithm, String slowStart, String... backends)
      throws Exception {
    StringBuilder y = new StringBuilder();
    y.append("listeners: [ { name: web, listen: 127.0.0.1:18080, pool: web } ]\n");
    y.append("pools:\n  - name: web\n    algorithm: ").append(algorithm).append('\n');
    y.append("    slow-start: ").append(slowStart).append('\n');
    y.append("    backends:\n");
    for (String b : backends) {
      y.append("      - ").append(b).append('\n');
    }
    return ConfigLoader.parse(y.toString(), "t.yaml", BalancerRegistry.defaults());
  }

  private Endpoint endpoint(String id) {
    return cp.current().pool("web").endpoint(id);
  }

  @Test
  void reloadKeepsUnchangedBackendsAndTheirBalancer() throws Exception {
    cp.applyConfig(
            config(
                "round-robin",
                "0",
                "{ id: a, address: 127.0.0.1:1001 }",
                "{ id: b, address: 127.0.0.1:1002 }"))
        .join();
    Backend a = endpoint("a").backend();
    Backend b = endpoint("b").backend();
    cp.applyConfig(
            config(
                "round-robin",
                "0",
                "{ id: a, address: 127.0.0.1:1001, weight: 50 }",
                "{ id: b, address: 127.0.0.1:2002 }",
                "{ id: c, address: 127.0.0.1:1003 }"))
        .join();
    assertThat(endpoint("a").backend()).isSameAs(a);
    assertThat(endpoint("a").configuredWeight()).isEqualTo(50);
    assertThat(endpoint("b").backend()).isNotSameAs(b);
    assertThat(cp.current().pool("web").eligibleCount()).isEqualTo(3);
    assertThat(cp.current().generation()).isEqualTo(2);
  }

  @Test
  void drainingAndMaintenanceLeaveThePickerButNotThePool() throws Exception {
    cp.applyConfig(
            config(
                "round-robin",
                "0",
                "{ id: a, address: 127.0.0.1:1001 }",
                "{ id: b, address: 127.0.0.1:1002 }"))
        .join();
    cp.setState("web", "a", AdminState.DRAINING).join();
    PoolSnapshot p = cp.current().pool("web");
    assertThat(p.eligibleCount()).isEqualTo(1);
    assertThat(p.endpoint("a").state()).isEqualTo(AdminState.DRAINING);
    assertThat(p.endpoint("a").acceptsPersistedSessions()).isTrue();
    cp.setState("web", "a", AdminState.MAINTENANCE).join();
    assertThat(endpoint("a").acceptsPersistedSessions()).isFalse();
  }

  @Test
  void backendsJoiningARunningPoolRampUpOverTheSlowStartWindow() throws Exception {
    cp.applyConfig(config("weighted-round-robin", "10s", "{ id: a, address: 127.0.0.1:1001 }"))
        .join();
    // The pool's first backends start at full weight.
    assertThat(endpoint("a").effectiveWeight()).isEqualTo(100);

    cp.applyConfig(
            config(
                "weighted-round-robin",
                "10s",
                "{ id: a, address: 127.0.0.1:1001 }",
                "{ id: b, address: 127.0.0.1:1002 }"))
        .join();
    assertThat(endpoint("b").effectiveWeight()).isEqualTo(10); // min-weight 10%
    now.addAndGet(TimeUnit.SECONDS.toNanos(5));
    cp.setWeight("web", "a", 99).join(); // any change re-publishes
    assertThat(endpoint("b").effectiveWeight()).isEqualTo(50);
    now.addAndGet(TimeUnit.SECONDS.toNanos(5));
    cp.setWeight("web", "a", 100).join();
    assertThat(endpoint("b").effectiveWeight()).isEqualTo(100);
  }

  @Test
  void recoveredBackendsGoThroughSlowStart() throws Exception {
    cp.applyConfig(
            config(
                "weighted-round-robin",
                "{ window: 4s, aggression: 1.0, min-weight: 0% }",
                "{ id: a, address: 127.0.0.1:1001 }"))
        .join();
    cp.setHealthy("web", "a", false).join();
    assertThat(endpoint("a").eligible()).isFalse();
    cp.setHealthy("web", "a", true).join();
    assertThat(endpoint("a").effectiveWeight()).isEqualTo(1); // never 0 while weighted
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    cp.setWeight("web", "a", 200).join();
    assertThat(endpoint("a").effectiveWeight()).isEqualTo(50);
  }

  @Test
  void unresolvableBackendKeepsTheOldWorld() throws Exception {
    cp.applyConfig(config("round-robin", "0", "{ id: a, address: 127.0.0.1:1001 }")).join();
    Snapshot before = cp.current();
    BallastConfig bad = config("round-robin", "0", "{ id: a, address: no-such-host.invalid:1001 }");
    assertThat(cp.applyConfig(bad)).failsWithin(java.time.Duration.ofSeconds(10));
    assertThat(cp.current()).isSameAs(before);
  }

  @Test
  void backendsAreAddedAndRemovedAtRuntime() throws Exception {
    cp.applyConfig(config("round-robin", "0", "{ id: a, address: 127.0.0.1:1001 }")).join();
    cp.addBackend(
            "web",
            new io.ballast.core.config.BackendConfig(
                "b",
                io.ballast.core.config.HostPort.parse("127.0.0.1:1002"),
                100,
                "vm-b",
                "hv-1",
                AdminState.ACTIVE,
                0))
        .join();
    assertThat(cp.current().pool("web").eligibleCount()).isEqualTo(2);
    assertThat(endpoint("b").backend().host()).isEqualTo("hv-1");
    assertThat(
            cp.addBackend(
                "web",
                new io.ballast.core.config.BackendConfig(
                    "b",
                    io.ballast.core.config.HostPort.parse("127.0.0.1:1003"),
                    100,
                    null,
                    null,
                    AdminState.ACTIVE,
                    0)))
        .failsWithin(java.time.Duration.ofSeconds(5));
    cp.removeBackend("web", "a").join();
    assertThat(cp.current().pool("web").endpoints()).extracting(Endpoint::id).containsExactly("b");
    assertThat(cp.removeBackend("web", "zz")).failsWithin(java.time.Duration.ofSeconds(5));
  }
}
