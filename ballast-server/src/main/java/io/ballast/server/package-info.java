/** The process: {@link io.ballast.server.Node} wires control plane, data plane and admin. */
package io.ballast.server;
