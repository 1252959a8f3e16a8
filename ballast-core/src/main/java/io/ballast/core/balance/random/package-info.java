/** The {@code random} algorithm: weighted random selection over an alias table. */
package io.ballast.core.balance.random;
