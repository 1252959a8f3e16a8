package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.model.AdminState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge of runtime changes over a config file: what survives a reload and a restart. */
class RuntimeOverlayTest {
  private static final String YAML =
      """
      listeners: [ { name: web, listen: 127.0.0.1:8080, pool: web } ]
      pools:
        - name: web
          backends:
            - { id: web-1, address: 10.0.0.1:80 }
            - { id: web-2, address: 10.0.0.2:80, weight: 50 }
        - name: api
          backends:
            - { id: api-1, address: 10.0.1.1:80 }
      """;

  private static BallastConfig config(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "ballast.yaml", BalancerRegistry.defaults());
  }

  private static BackendConfig backend(String id, String address, int weight) {
    return new BackendConfig(
        id, HostPort.parse(address), weight, "vm-" + id, "hv-a", AdminState.ACTIVE, 0);
  }

  private static List<String> ids(BallastConfig c, String pool) {
    return c.pool(pool).orElseThrow().backends().stream().map(BackendConfig::id).toList();
  }

  private static BackendConfig find(BallastConfig c, String pool, String id) {
    return c.pool(pool).orElseThrow().backends().stream()
        .filter(b -> b.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void emptyOverlayChangesNothing() throws Exception {
    BallastConfig c = config(YAML);
    RuntimeOverlay.Merge m = RuntimeOverlay.EMPTY.merge(c);
    assertThat(m.config().pools()).isEqualTo(c.pools());
    assertThat(m.dropped()).isEmpty();
    assertThat(m.overlay().isEmpty()).isTrue();
  }

  @Test
  void addedBackendsFollowTheFilesBackends() throws Exception {
    RuntimeOverlay o = RuntimeOverlay.EMPTY.withAdded("web", backend("web-3", "10.0.0.3:80", 70));
    BallastConfig merged = o.apply(config(YAML));
    assertThat(ids(merged, "web")).containsExactly("web-1", "web-2", "web-3");
    BackendConfig b = find(merged, "web", "web-3");
    assertThat(b.address()).isEqualTo(new HostPort("10.0.0.3", 80));
    assertThat(b.weight()).isEqualTo(70);
    assertThat(b.vm()).isEqualTo("vm-web-3");
    assertThat(ids(merged, "api")).containsExactly("api-1");
    assertThat(o.size()).isEqualTo(1);
  }

  @Test
  void removedFileBackendsStayRemoved() throws Exception {
    RuntimeOverlay o = RuntimeOverlay.EMPTY.withRemoved("web", "web-1");
    assertThat(o.pool("web").removed()).containsExactly("web-1");
    assertThat(ids(o.apply(config(YAML)), "web")).containsExactly("web-2");
  }

  @Test
  void addingThenRemovingLeavesNoTrace() {
    RuntimeOverlay o =
        RuntimeOverlay.EMPTY
            .withAdded("web", backend("web-3", "10.0.0.3:80", 100))
            .withWeight("web", "web-3", 5)
            .withRemoved("web", "web-3");
    assertThat(o.isEmpty()).isTrue();
  }

  @Test
  void weightAndStateOverridesApplyToFileBackends() throws Exception {
    RuntimeOverlay o =
        RuntimeOverlay.EMPTY
            .withWeight("web", "web-2", 7)
            .withState("web", "web-1", AdminState.MAINTENANCE)
            .withState("web", "web-1", AdminState.DRAINING);
    BallastConfig merged = o.apply(config(YAML));
    assertThat(find(merged, "web", "web-2").weight()).isEqualTo(7);
    assertThat(find(merged, "web", "web-2").state()).isEqualTo(AdminState.ACTIVE);
    assertThat(find(merged, "web", "web-1").state()).isEqualTo(AdminState.DRAINING);
    assertThat(find(merged, "web", "web-1").weight()).isEqualTo(100);
    assertThat(o.size()).isEqualTo(2);
  }

  @Test
  void changesToARuntimeBackendFoldIntoIt() throws Exception {
    RuntimeOverlay o =
        RuntimeOverlay.EMPTY
            .withAdded("web", backend("web-3", "10.0.0.3:80", 100))
            .withWeight("web", "web-3", 5)
            .withState("web", "web-3", AdminState.DRAINING);
    assertThat(o.pool("web").weights()).isEmpty();
    assertThat(o.pool("web").states()).isEmpty();
    BackendConfig b = find(o.apply(config(YAML)), "web", "web-3");
    assertThat(b.weight()).isEqualTo(5);
    assertThat(b.state()).isEqualTo(AdminState.DRAINING);
  }

  @Test
  void removingAFileBackendForgetsItsOverrides() {
    RuntimeOverlay o =
        RuntimeOverlay.EMPTY.withWeight("web", "web-2", 7).withRemoved("web", "web-2");
    assertThat(o.pool("web").weights()).isEmpty();
    assertThat(o.pool("web").removed()).containsExactly("web-2");
  }

  @Test
  void aFileBackendCanBeReplacedAtRuntime() throws Exception {
    RuntimeOverlay o =
        RuntimeOverlay.EMPTY
            .withRemoved("web", "web-2")
            .withAdded("web", backend("web-2", "10.0.0.22:80", 100));
    BallastConfig merged = o.apply(config(YAML));
    assertThat(ids(merged, "web")).containsExactly("web-1", "web-2");
    assertThat(find(merged, "web", "web-2").address()).isEqualTo(new HostPort("10.0.0.22", 80));
  }

  @Test
  void overridesOfBackendsTheFileNoLongerHasAreDropped() throws Exception {
    RuntimeOverlay o =
        RuntimeOverlay.EMPTY
            .withWeight("web", "web-2", 7)
            .withState("web", "web-2", AdminState.MAINTENANCE)
            .withRemoved("api", "api-1")
            .withWeight("web", "web-1", 3);
    // The operator deletes web-2 and api-1 from the file.
    BallastConfig edited =
        config(
            """
            listeners: [ { name: web, listen: 127.0.0.1:8080, pool: web } ]
            pools:
              - name: web
                backends: [ { id: web-1, address: 10.0.0.1:80 } ]
              - name: api
                backends: [ { id: api-2, address: 10.0.1.2:80 } ]
            """);
    RuntimeOverlay.Merge m = o.merge(edited);
    assertThat(ids(m.config(), "web")).containsExactly("web-1");
    assertThat(find(m.config(), "web", "web-1").weight()).isEqualTo(3);
    assertThat(ids(m.config(), "api")).containsExactly("api-2");
    assertThat(m.dropped())
        .containsExactly(
            "pool 'web': the weight override of backend 'web-2' is dropped: the config file no"
                + " longer has it",
            "pool 'web': the state override of backend 'web-2' is dropped: the config file no"
                + " longer has it",
            "pool 'api': the removal of backend 'api-1' is dropped: the config file no longer"
                + " has it");
    // What is left is what still applies.
    assertThat(m.overlay()).isEqualTo(RuntimeOverlay.EMPTY.withWeight("web", "web-1", 3));
  }

  @Test
  void aPoolTheFileNoLongerHasDropsItsChanges() throws Exception {
    RuntimeOverlay o = RuntimeOverlay.EMPTY.withAdded("gone", backend("g-1", "10.0.9.1:80", 100));
    RuntimeOverlay.Merge m = o.merge(config(YAML));
    assertThat(m.dropped())
        .containsExactly(
            "pool 'gone' is no longer in the config file; its 1 runtime change(s) are dropped");
    assertThat(m.overlay().isEmpty()).isTrue();
  }

  @Test
  void theFileWinsWhenItNowDeclaresARuntimeBackend() throws Exception {
    RuntimeOverlay o = RuntimeOverlay.EMPTY.withAdded("web", backend("web-2", "10.0.0.99:80", 1));
    RuntimeOverlay.Merge m = o.merge(config(YAML));
    assertThat(ids(m.config(), "web")).containsExactly("web-1", "web-2");
    assertThat(find(m.config(), "web", "web-2").address()).isEqualTo(new HostPort("10.0.0.2", 80));
    assertThat(m.dropped()).hasSize(1);
    assertThat(m.dropped().get(0)).contains("'web-2' was added at runtime and is now in the");
    assertThat(m.overlay().isEmpty()).isTrue();
  }

  @Test
  void mergingKeepsEverythingElseOfTheConfig() throws Exception {
    BallastConfig c = config(YAML);
    BallastConfig merged = RuntimeOverlay.EMPTY.withWeight("api", "api-1", 1).apply(c);
    assertThat(merged.listeners()).isEqualTo(c.listeners());
    assertThat(merged.node()).isEqualTo(c.node());
    assertThat(merged.admin()).isEqualTo(c.admin());
    assertThat(merged.pool("web")).isEqualTo(c.pool("web"));
  }
}
