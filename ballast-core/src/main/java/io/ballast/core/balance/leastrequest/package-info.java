/**
 * The {@code least-request} algorithm: weighted power of two choices over requests in flight, as
 * Envoy does it but fair in small weighted pools.
 */
package io.ballast.core.balance.leastrequest;
