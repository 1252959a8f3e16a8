/**
 * Benchmarks: JMH micro-benchmarks of the hot paths (pickers, the HTTP codec) and the open-loop
 * load generator used by the end-to-end harness in {@code bench/e2e}.
 */
package io.ballast.bench;
