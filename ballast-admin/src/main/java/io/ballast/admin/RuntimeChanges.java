package io.ballast.admin;

import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.RuntimeOverlay;
import io.ballast.core.model.AdminState;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.Snapshot;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The one writer for runtime changes: each change is applied to the control plane and, once it took
 * effect, recorded in the {@link OverlayStore}, one change at a time and in order, together with
 * reloads ({@link #serially}). Serializing the two is what keeps the invariant "the running world
 * is the config file plus the overlay": a reload never merges an overlay that misses a change
 * already applied, nor is a change applied on top of a reload that did not see it.
 *
 * <p>Changes run on a dedicated thread that waits for the control plane, so neither the admin event
 * loop nor the control-plane thread ever blocks on file I/O.
 */
public final class RuntimeChanges implements AutoCloseable {
  private final ControlPlane controlPlane;
  private final OverlayStore overlay;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "ballast-admin-writer");
            t.setDaemon(true);
            return t;
          });

  /** Changes applied to {@code controlPlane} and recorded in {@code overlay}. */
  public RuntimeChanges(ControlPlane controlPlane, OverlayStore overlay) {
    this.controlPlane = Objects.requireNonNull(controlPlane);
    this.overlay = Objects.requireNonNull(overlay);
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public OverlayStore overlay() {
    return overlay;
  }

  /** Adds a backend to a running pool (slow start applies) and records it. */
  public CompletableFuture<Snapshot> addBackend(String pool, BackendConfig backend) {
    return change(() -> controlPlane.addBackend(pool, backend), o -> o.withAdded(pool, backend));
  }

  /** Removes a backend at once and records it. Drain first for a gentle removal. */
  public CompletableFuture<Snapshot> removeBackend(String pool, String id) {
    return change(() -> controlPlane.removeBackend(pool, id), o -> o.withRemoved(pool, id));
  }

  /** Sets a backend's weight and records it. */
  public CompletableFuture<Snapshot> setWeight(String pool, String id, int weight) {
    return change(
        () -> controlPlane.setWeight(pool, id, weight), o -> o.withWeight(pool, id, weight));
  }

  /** Sets a backend's admin state and records it. */
  public CompletableFuture<Snapshot> setState(String pool, String id, AdminState state) {
    return change(() -> controlPlane.setState(pool, id, state), o -> o.withState(pool, id, state));
  }

  /**
   * Forgets every recorded change (the running world is left as it is until the next reload).
   *
   * @return the changes that were dropped
   */
  public CompletableFuture<RuntimeOverlay> clearOverlay() {
    return serially(overlay::clear);
  }

  /**
   * Runs a task on the writer thread, after every change and reload submitted before it and before
   * any submitted after it. The node's reload runs through here. The task may block (it runs on its
   * own thread), but must not wait for another task of this writer.
   */
  public <T> CompletableFuture<T> serially(Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    writer.execute(
        () -> {
          try {
            f.complete(task.call());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    return f;
  }

  /**
   * Waits for a control-plane future on the writer thread, rethrowing its failure as is (a {@link
   * ControlPlane.NoSuchElementException}, an {@link IllegalArgumentException}).
   */
  public static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (CompletionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private CompletableFuture<Snapshot> change(
      Callable<CompletableFuture<Snapshot>> apply, UnaryOperator<RuntimeOverlay> record) {
    return serially(
        () -> {
          Snapshot s = await(apply.call());
          overlay.update(record); // may throw SaveException: applied, but not durable
          return s;
        });
  }

  /** Stops the writer after the tasks already submitted. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
