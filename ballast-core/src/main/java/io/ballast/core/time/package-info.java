/**
 * Injected time and randomness: {@link io.ballast.core.time.Ticker} and {@link
 * io.ballast.core.time.Randoms}. The build bans the system clock and unseeded randomness in core
 * code everywhere else.
 */
package io.ballast.core.time;
