/**
 * A node's observability wired together: {@link io.ballast.admin.observe.Observability} builds the
 * metrics, dashboard and access logs and adds their admin routes; {@link
 * io.ballast.admin.observe.Observers} combines traffic observers behind the data plane's one seam.
 */
package io.ballast.admin.observe;
