/**
 * Balancing SPI: a {@link io.ballast.core.balance.BalancerFactory} plug-in per algorithm creates a
 * {@link io.ballast.core.balance.Balancer} per pool, which turns the pool's eligible endpoints into
 * an immutable {@link io.ballast.core.balance.Picker} that the data plane calls per request. The
 * algorithms live in sub-packages, one each.
 */
package io.ballast.core.balance;
