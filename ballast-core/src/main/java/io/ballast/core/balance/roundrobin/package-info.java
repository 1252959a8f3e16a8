/** The {@code round-robin} algorithm. */
package io.ballast.core.balance.roundrobin;
