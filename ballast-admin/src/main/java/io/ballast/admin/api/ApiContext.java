package io.ballast.admin.api;

import io.ballast.admin.DataPlaneView;
import io.ballast.admin.ReloadResult;
import io.ballast.admin.RuntimeChanges;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.Snapshot;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the built-in resources work with.
 *
 * @param controlPlane the live world (reads)
 * @param changes the writer for changes (writes)
 * @param dataPlane listener ports and client connections
 * @param ready whether the node serves traffic ({@code /readyz})
 * @param reload the node's reload hook
 * @param restart the node's hitless self-restart hook; answers a message, or throws {@link
 *     IllegalStateException} when the node cannot restart itself
 * @param configFile the node's config file, or {@code null}
 * @param scheduler the admin event loop, for timers (drain polling); never block on it
 * @param startedNanos {@code System.nanoTime()} when the admin server was built
 * @param tokenConfigured whether the admin API has a token
 */
public record ApiContext(
    ControlPlane controlPlane,
    RuntimeChanges changes,
    DataPlaneView dataPlane,
    BooleanSupplier ready,
    Supplier<CompletableFuture<ReloadResult>> reload,
    Supplier<String> restart,
    Path configFile,
    ScheduledExecutorService scheduler,
    long startedNanos,
    boolean tokenConfigured) {

  /** The live snapshot; the control plane always has one once the node runs. */
  Snapshot snapshot() {
    Snapshot s = controlPlane.current();
    if (s == null) {
      throw new IllegalStateException("the node has no config yet");
    }
    return s;
  }
}
