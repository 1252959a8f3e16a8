/**
 * Building blocks shared by the balancing algorithms and not part of the SPI: weighted sampling
 * ({@link io.ballast.core.balance.internal.AliasTable}), smooth weighted schedules, the
 * bounded-load check used by the consistent-hash algorithms, and retry helpers. Anything here may
 * change without notice.
 */
package io.ballast.core.balance.internal;
