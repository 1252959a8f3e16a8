/**
 * The {@code first} algorithm: fill backends in configuration order up to their capacity, so idle
 * ones can be powered off.
 */
package io.ballast.core.balance.first;
