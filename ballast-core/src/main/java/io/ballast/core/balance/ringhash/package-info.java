/**
 * The {@code ring-hash} algorithm: a ketama-style consistent hash ring with optional bounded loads.
 */
package io.ballast.core.balance.ringhash;
