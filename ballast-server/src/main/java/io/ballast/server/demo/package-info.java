/**
 * The embedded demo: backends that stand in for VMs, run inside the process, so {@code ballast
 * demo} shows balancing with nothing else installed.
 */
package io.ballast.server.demo;
