package io.ballast.admin.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.config.RuntimeOverlay;
import io.ballast.core.model.AdminState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overlay file: written atomically, read back exactly, refused with a clear reason. */
class OverlayStoreTest {
  @TempDir Path dir;

  private static final RuntimeOverlay SOME =
      RuntimeOverlay.EMPTY
          .withAdded(
              "web",
              new BackendConfig(
                  "web-4",
                  new HostPort("10.0.0.14", 8080),
                  50,
                  "web-4",
                  "hv-b",
                  AdminState.ACTIVE,
                  0))
          .withRemoved("web", "web-2")
          .withWeight("web", "web-1", 7)
          .withState("api", "api-1", AdminState.MAINTENANCE);

  @Test
  void theFileLivesBesideTheConfig() {
    assertThat(OverlayStore.fileFor(dir.resolve("ballast.yaml")))
        .isEqualTo(dir.resolve("ballast.yaml.runtime.json").toAbsolutePath());
  }

  @Test
  void roundTripsThroughAReadableFile() throws Exception {
    Path f = dir.resolve("b.yaml.runtime.json");
    OverlayStore store = OverlayStore.open(f);
    assertThat(store.current().isEmpty()).isTrue();
    store.replace(SOME);
    assertThat(OverlayStore.read(f)).isEqualTo(SOME);
    String text = Files.readString(f);
    assertThat(text)
        .contains(
            "\"version\": 1",
            "\"removed\": [\n        \"web-2\"\n      ]",
            "\"weights\": {\n        \"web-1\": 7\n      }",
            "\"api-1\": \"maintenance\"");
    // No temporary files are left behind.
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("b.yaml.runtime.json");
    }
    assertThat(OverlayStore.open(f).current()).isEqualTo(SOME);
  }

  @Test
  void clearingDeletesTheFile() throws Exception {
    Path f = dir.resolve("c.runtime.json");
    OverlayStore store = OverlayStore.open(f);
    store.replace(SOME);
    assertThat(store.clear()).isEqualTo(SOME);
    assertThat(f).doesNotExist();
    assertThat(store.current().isEmpty()).isTrue();
  }

  @Test
  void invalidFilesAreRefusedNamingTheField() throws Exception {
    Path f = dir.resolve("bad.runtime.json");
    Files.writeString(f, "{\"pools\": {\"web\": {\"weights\": {\"web-1\": 20000}}}}");
    assertThatThrownBy(() -> OverlayStore.open(f))
        .isInstanceOf(OverlayStore.ReadException.class)
        .hasMessageStartingWith(f + ": pools.web.weights.web-1: 20000 is out of range 0..10000")
        .hasMessageContaining("fix it or delete it");
    Files.writeString(f, "{\"pools\": {\"web\": {\"added\": [{\"id\": \"a\"}]}}}");
    assertThatThrownBy(() -> OverlayStore.open(f))
        .hasMessageStartingWith(f + ": pools.web.added[0].address: is required");
    Files.writeString(f, "{\"pools\": {\"web\": {\"wieghts\": {}}}}");
    assertThatThrownBy(() -> OverlayStore.open(f))
        .hasMessageStartingWith(f + ": pools.web.wieghts: unknown field");
    Files.writeString(f, "{\"pools\": ");
    assertThatThrownBy(() -> OverlayStore.open(f)).hasMessageStartingWith(f + ": not valid JSON");
  }

  @Test
  void aFailedSaveKeepsTheChangeInMemory() throws Exception {
    Path gone = dir.resolve("no-such-dir").resolve("x.runtime.json");
    OverlayStore store = OverlayStore.open(gone);
    assertThatThrownBy(() -> store.replace(SOME))
        .isInstanceOf(OverlayStore.SaveException.class)
        .hasMessageStartingWith("could not save " + gone);
    assertThat(store.current()).isEqualTo(SOME);
  }
}
