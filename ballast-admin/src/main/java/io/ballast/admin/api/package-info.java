/**
 * The built-in admin resources, one handler class per resource (Envoy's admin style): pools,
 * backends, listeners, status, config reload, the runtime overlay, health probes and the OpenAPI
 * description. {@link io.ballast.admin.api.ApiRoutes} registers them; {@link
 * io.ballast.admin.api.Views} renders the live world as JSON.
 */
package io.ballast.admin.api;
