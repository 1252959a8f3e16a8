package io.ballast.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.health.HostHealth.HostChange;
import io.ballast.core.model.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostHealthTest {
  // Host hv-a runs web-1, web-2 and pg-1 (another pool); hv-b runs web-3; web-4 has no host.
  private final Backend web1 = Fixtures.backend("web", "web-1", "hv-a");
  private final Backend web2 = Fixtures.backend("web", "web-2", "hv-a");
  private final Backend pg1 = Fixtures.backend("pg", "pg-1", "hv-a");
  private final Backend web3 = Fixtures.backend("web", "web-3", "hv-b");
  private final Backend web4 = Fixtures.backend("web", "web-4", null);
  private final List<Backend> all = List.of(web1, web2, pg1, web3, web4);

  private HostHealth hosts() {
    HostHealth h = new HostHealth();
    assertThat(h.update(all)).isEmpty();
    return h;
  }

  @Test
  void operatorMarkEjectsEveryBackendOnTheHostAtOnce() {
    HostHealth h = hosts();
    HostChange down = h.markDown("hv-a", null);
    assertThat(down)
        .isEqualTo(
            new HostChange("hv-a", true, "marked down by operator", List.of(web1, web2, pg1)));
    assertThat(h.isDown("hv-a")).isTrue();
    assertThat(h.hostDown(pg1)).isTrue();
    assertThat(h.hostDown(web3)).isFalse();
    assertThat(h.hostDown(web4)).isFalse();
    assertThat(h.reason("hv-a")).isEqualTo("marked down by operator");
    assertThat(h.hostsDown()).containsExactly("hv-a");
    assertThat(h.markDown("hv-a", "again")).isNull(); // already down
    assertThat(h.reason("hv-a")).isEqualTo("again");

    HostChange up = h.markUp("hv-a");
    assertThat(up)
        .isEqualTo(
            new HostChange("hv-a", false, "operator mark cleared", List.of(web1, web2, pg1)));
    assertThat(h.isDown("hv-a")).isFalse();
    assertThat(h.reason("hv-a")).isNull();
    assertThat(h.markUp("hv-a")).isNull();
  }

  @Test
  void everyCheckedBackendDownTakesTheHostDown() {
    HostHealth h = hosts();
    assertThat(h.backendHealth(web1, false)).isNull(); // one checked backend is not enough
    HostChange down = h.backendHealth(web2, false);
    assertThat(down)
        .isEqualTo(
            new HostChange(
                "hv-a", true, "all 2 checked backends on hv-a are down", List.of(web1, web2, pg1)));
    // pg-1 has no verdict of its own (no checks in its pool) but goes with its host.
    assertThat(h.hostDown(pg1)).isTrue();
    assertThat(h.backendHealth(web2, false)).isNull(); // reported once

    HostChange up = h.backendHealth(web1, true);
    assertThat(up.down()).isFalse();
    assertThat(up.reason()).isEqualTo("backend web/web-1(" + web1.address() + ") is up again");
    assertThat(up.backends()).containsExactly(web1, web2, pg1);
    assertThat(h.hostDown(pg1)).isFalse();
  }

  @Test
  void oneHealthyBackendKeepsTheHostUp() {
    HostHealth h = hosts();
    h.backendHealth(pg1, true);
    assertThat(h.backendHealth(web1, false)).isNull();
    assertThat(h.backendHealth(web2, false)).isNull();
    assertThat(h.isDown("hv-a")).isFalse();
    assertThat(h.backendHealth(pg1, false)).isNotNull();
    assertThat(h.isDown("hv-a")).isTrue();
    assertThat(h.reason("hv-a")).isEqualTo("all 3 checked backends on hv-a are down");
  }

  @Test
  void aHostWithOneBackendNeedsAMinimumOfOne() {
    HostHealth strict = new HostHealth();
    strict.update(all);
    assertThat(strict.backendHealth(web3, false)).isNull();
    assertThat(strict.isDown("hv-b")).isFalse();

    HostHealth loose = new HostHealth(1);
    loose.update(all);
    assertThat(loose.backendHealth(web3, false).backends()).containsExactly(web3);
    assertThat(loose.isDown("hv-b")).isTrue();
  }

  @Test
  void operatorMarkAndAutomaticDownCombine() {
    HostHealth h = hosts();
    h.markDown("hv-a", "hypervisor maintenance");
    assertThat(h.backendHealth(web1, false)).isNull();
    assertThat(h.backendHealth(web2, false)).isNull();
    // Clearing the mark leaves the host down: its backends are all failing.
    assertThat(h.markUp("hv-a")).isNull();
    assertThat(h.isDown("hv-a")).isTrue();
    assertThat(h.reason("hv-a")).isEqualTo("all 2 checked backends on hv-a are down");
  }

  @Test
  void hostsWithoutBackendsCanBeMarkedAndNewBackendsJoinDown() {
    HostHealth h = hosts();
    HostChange c = h.markDown("hv-c", "rack power");
    assertThat(c).isEqualTo(new HostChange("hv-c", true, "rack power", List.of()));
    Backend web5 = Fixtures.backend("web", "web-5", "hv-c");
    assertThat(h.update(List.of(web1, web2, pg1, web3, web4, web5))).isEmpty();
    assertThat(h.hostDown(web5)).isTrue();
    assertThat(h.backendsOn("hv-c")).containsExactly(web5);
  }

  @Test
  void updateKeepsVerdictsOfBackendsThatStayAndReevaluates() {
    HostHealth h = hosts();
    h.backendHealth(web1, false);
    h.backendHealth(web2, false);
    assertThat(h.isDown("hv-a")).isTrue();
    // web-2 leaves: one checked backend left, below the minimum: the host comes back.
    List<HostChange> changes = h.update(List.of(web1, pg1, web3));
    assertThat(changes)
        .containsExactly(
            new HostChange(
                "hv-a", false, "fewer than 2 checked backends on hv-a", List.of(web1, pg1)));
    // A replacement web-2 (a new instance) starts without a verdict.
    Backend web2b = Fixtures.backend("web", "web-2", "hv-a");
    assertThat(h.update(List.of(web1, web2b, pg1, web3))).isEmpty();
    assertThat(h.backendHealth(web2b, false).down()).isTrue();
  }

  @Test
  void unknownBackendsAndHostsAreIgnored() {
    HostHealth h = hosts();
    assertThat(h.backendHealth(web4, false)).isNull(); // no host
    assertThat(h.backendHealth(Fixtures.backend("web", "x", "hv-a"), false)).isNull();
    assertThat(h.isDown("nowhere")).isFalse();
    assertThat(h.isDown(null)).isFalse();
    assertThat(h.markUp("nowhere")).isNull();
    assertThat(h.backendsOn("nowhere")).isEmpty();
    assertThat(h.reason("nowhere")).isNull();
  }
}
