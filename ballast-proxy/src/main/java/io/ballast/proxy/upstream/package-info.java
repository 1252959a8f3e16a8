/**
 * Upstream connections: per-event-loop, per-backend keep-alive pools ({@link
 * io.ballast.proxy.upstream.UpstreamPool}) and the connection handler that hands a backend's
 * response to the request that owns the connection.
 */
package io.ballast.proxy.upstream;
