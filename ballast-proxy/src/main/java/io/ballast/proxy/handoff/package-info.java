/**
 * Hitless restart: listening sockets pass from a running node to its successor over a Unix domain
 * socket, so upgrading the binary or the JVM drops no connection.
 */
package io.ballast.proxy.handoff;
