/**
 * Load tools for the end-to-end harness in {@code bench/e2e} and {@code bench/run-all}: an
 * open-loop generator that measures latency from each request's due time ({@link
 * io.ballast.bench.load.OpenLoop}) and a holder of many idle connections for the memory scenario
 * ({@link io.ballast.bench.load.IdleConnector}).
 */
package io.ballast.bench.load;
