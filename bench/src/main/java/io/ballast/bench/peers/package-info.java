/**
 * Peers for the end-to-end harness: a fast configurable backend ({@link
 * io.ballast.bench.peers.FastBackend}, for the slow-neighbour and failover scenarios) and the Java
 * proxy Ballast is compared with ({@link io.ballast.bench.peers.VertxProxy}, Vert.x's http-proxy).
 */
package io.ballast.bench.peers;
