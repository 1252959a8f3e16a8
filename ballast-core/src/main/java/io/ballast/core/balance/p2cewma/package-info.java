/**
 * The {@code p2c-ewma} algorithm: power of two choices on peak-EWMA latency times load, with
 * per-backend latency state that survives picker rebuilds.
 */
package io.ballast.core.balance.p2cewma;
