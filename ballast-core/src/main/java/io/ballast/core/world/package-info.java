/**
 * The control plane and what it publishes: {@link io.ballast.core.world.ControlPlane} applies every
 * change on one serial executor and publishes immutable {@link io.ballast.core.world.Snapshot}s
 * that the data plane reads through a volatile reference.
 */
package io.ballast.core.world;
