/**
 * The {@code least-connections} algorithm: fewest in-flight requests per unit of weight, scanning
 * small pools and comparing a few weighted candidates in large ones.
 */
package io.ballast.core.balance.leastconnections;
