package io.ballast.core.world;

/**
 * Told about every published snapshot, on the control-plane thread, after the swap. The data plane
 * uses it to bind and unbind listeners and to retire connection pools of removed backends.
 */
@FunctionalInterface
public interface SnapshotListener {

  /**
   * A new snapshot is live.
   *
   * @param previous the snapshot it replaced, or {@code null} for the first
   * @param next the new snapshot
   */
  void published(Snapshot previous, Snapshot next);
}
