package io.ballast.core.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigLoader;
import io.ballast.core.health.AgentReport;
import io.ballast.core.health.Outcome;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health verdicts, ejection, host awareness, agents and panic as the control plane combines them.
 */
class HealthIntegrationTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final ControlPlane cp = new ControlPlane(executor, now::get, Randoms.seeded(1));
  private final List<String> transitions = new ArrayList<>();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private void load(String health) throws Exception {
    load(health, true);
  }

  private void load(String health, boolean withHosts) throws Exception {
    String yaml =
        """
        listeners: [ { name: web, listen: 127.0.0.1:18080, pool: web } ]
        pools:
          - name: web
            %s
            backends:
              - { id: a1, address: 127.0.0.1:1001, host: hv-a }
              - { id: a2, address: 127.0.0.1:1002, host: hv-a }
              - { id: b1, address: 127.0.0.1:1003, host: hv-b }
              - { id: b2, address: 127.0.0.1:1004, host: hv-b }
        """
            .formatted(health);
    if (!withHosts) {
      yaml = yaml.replace(", host: hv-a", "").replace(", host: hv-b", "");
    }
    BallastConfig c = ConfigLoader.parse(yaml, "t.yaml", BalancerRegistry.defaults());
    cp.addHealthListener(
        (b, healthy, cause, reason) ->
            transitions.add(b.id() + (healthy ? " up " : " down ") + cause + ": " + reason));
    cp.applyConfig(c).join();
  }

  private Endpoint ep(String id) {
    return cp.current().pool("web").endpoint(id);
  }

  private PoolSnapshot pool() {
    return cp.current().pool("web");
  }

  @Test
  void activeVerdictsCarryTheirReason() throws Exception {
    load("health: { active: { type: http } }");
    cp.setActiveHealth("web", "a1", false, "HTTP 503").join();
    assertThat(ep("a1").healthy()).isFalse();
    assertThat(ep("a1").healthReason()).isEqualTo("HTTP 503");
    assertThat(pool().eligibleCount()).isEqualTo(3);
    cp.setActiveHealth("web", "a1", false, "HTTP 503").join(); // no change, no transition
    cp.setActiveHealth("web", "a1", true, null).join();
    assertThat(ep("a1").healthy()).isTrue();
    assertThat(transitions)
        .containsExactly("a1 down check: HTTP 503", "a1 up check: checks pass again");
  }

  @Test
  void initStateDownKeepsNewBackendsOutUntilChecked() throws Exception {
    load("health: { active: { type: http }, init-state: down }");
    assertThat(pool().endpoints()).noneMatch(Endpoint::healthy);
    assertThat(ep("a1").healthReason()).isEqualTo("waiting for its first health checks");
  }

  @Test
  void anOperatorMarkingAHostDownEjectsItsBackendsAtOnce() throws Exception {
    load("slow-start: 0");
    cp.setHostDown("hv-a", true, "maintenance window").join();
    assertThat(ep("a1").healthy()).isFalse();
    assertThat(ep("a2").healthy()).isFalse();
    assertThat(ep("a1").healthReason()).isEqualTo("host hv-a is down (maintenance window)");
    assertThat(pool().eligibleCount()).isEqualTo(2);
    assertThat(cp.hosts().join())
        .anySatisfy(h -> assertThat(h.name() + h.down()).isEqualTo("hv-atrue"));
    cp.setHostDown("hv-a", false, null).join();
    assertThat(pool().eligibleCount()).isEqualTo(4);
  }

  @Test
  void aHostWhoseBackendsAllFailGoesDownAsAWhole() throws Exception {
    load("health: { active: { type: tcp } }");
    cp.setActiveHealth("web", "a1", false, "connect refused").join();
    assertThat(ep("a2").healthy()).isTrue();
    cp.setActiveHealth("web", "a2", false, "connect refused").join();
    assertThat(cp.hosts().join())
        .anySatisfy(h -> assertThat(h.name() + h.down()).isEqualTo("hv-atrue"));
    cp.setActiveHealth("web", "a1", true, null).join();
    assertThat(ep("a1").healthy()).isTrue(); // the host came back with its first backend
  }

  @Test
  void agentsDrainAndReweightWithoutTouchingTheOperatorsSettings() throws Exception {
    load("slow-start: 0");
    cp.setAgentReport("web", "b1", AgentReport.parse("drain")).join();
    assertThat(ep("b1").state()).isEqualTo(AdminState.DRAINING);
    assertThat(ep("b1").configuredWeight()).isEqualTo(100);
    cp.setAgentReport("web", "b1", AgentReport.parse("up 50%")).join();
    assertThat(ep("b1").state()).isEqualTo(AdminState.ACTIVE);
    assertThat(ep("b1").effectiveWeight()).isEqualTo(50);
    cp.setState("web", "b1", AdminState.MAINTENANCE).join();
    cp.setAgentReport("web", "b1", AgentReport.parse("ready")).join();
    assertThat(ep("b1").state()).isEqualTo(AdminState.MAINTENANCE); // the agent can't loosen it
  }

  @Test
  void consecutiveErrorsEjectAtOnceAndNeverEmptyThePool() throws Exception {
    load("health: { passive: { consecutive-errors: 3, max-ejected: 50% } }");
    PoolRuntime rt = pool().runtime();
    for (String id : List.of("a1", "a2", "b1")) {
      Backend b = ep(id).backend();
      for (int i = 0; i < 3; i++) {
        if (rt.outlier().record(b, Outcome.CONNECT_FAILURE)) {
          cp.consecutiveErrors("web", b);
        }
      }
    }
    await().until(() -> pool().eligibleCount() == 2);
    assertThat(pool().endpoints().stream().filter(e -> !e.healthy()).count()).isEqualTo(2);
    assertThat(transitions).anyMatch(t -> t.contains("down ejection: 3 consecutive errors"));
  }

  @Test
  void backendsOnADownHostNeverComeBackThroughPanic() throws Exception {
    load("health: { active: { type: tcp }, panic-threshold: 50% }");
    cp.setHostDown("hv-a", true, "maintenance").join();
    cp.setActiveHealth("web", "b1", false, "down").join(); // 1 of the 2 candidates healthy
    assertThat(pool().runtime().panic()).isFalse();
    assertThat(pool().eligibleCount()).isEqualTo(1);
  }

  @Test
  void belowThePanicThresholdThePoolUsesEveryBackend() throws Exception {
    load("health: { active: { type: tcp }, panic-threshold: 50% }", false);
    cp.setActiveHealth("web", "a1", false, "down").join();
    cp.setActiveHealth("web", "b1", false, "down").join();
    assertThat(pool().runtime().panic()).isFalse();
    assertThat(pool().eligibleCount()).isEqualTo(2);
    cp.setActiveHealth("web", "b2", false, "down").join(); // 1 of 4 healthy: 25% < 50%
    assertThat(pool().runtime().panic()).isTrue();
    assertThat(pool().eligibleCount()).isEqualTo(4);
    assertThat(pool().runtime().panicEntries()).isEqualTo(1);
    cp.setActiveHealth("web", "b2", true, null).join();
    assertThat(pool().runtime().panic()).isFalse();
  }
}
