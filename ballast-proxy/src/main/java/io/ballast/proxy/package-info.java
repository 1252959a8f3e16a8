/**
 * The Netty data plane: {@link io.ballast.proxy.ProxyServer} owns the event loops and listeners and
 * follows the control plane's snapshots.
 */
package io.ballast.proxy;
