/**
 * The {@code load-report} algorithm: weighted round robin on weights derived from the ORCA load
 * reports backends attach to their responses, with gRPC's blackout and expiration rules.
 */
package io.ballast.core.balance.loadreport;
