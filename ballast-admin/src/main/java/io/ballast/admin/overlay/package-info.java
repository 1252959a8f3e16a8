/**
 * Durable runtime changes: {@link io.ballast.admin.overlay.OverlayStore} keeps the node's {@link
 * io.ballast.core.config.RuntimeOverlay} in {@code <config>.runtime.json} (human-readable JSON,
 * written atomically), and {@link io.ballast.admin.overlay.BackendJson} reads and writes backends
 * as JSON, for the overlay file and the admin API alike.
 */
package io.ballast.admin.overlay;
