/**
 * The admin listener: {@link io.ballast.admin.AdminServer} (Netty, its own event loop), its small
 * extension API ({@link io.ballast.admin.AdminHandler}, {@link io.ballast.admin.AdminRequest},
 * {@link io.ballast.admin.AdminResponse}, {@link io.ballast.admin.ResponseStream}) and {@link
 * io.ballast.admin.RuntimeChanges}, the one writer through which admin calls change the running
 * node and are recorded in the runtime overlay.
 */
package io.ballast.admin;
