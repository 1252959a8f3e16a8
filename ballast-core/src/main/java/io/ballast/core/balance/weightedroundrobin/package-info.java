/**
 * The {@code weighted-round-robin} algorithm: NGINX's smooth weighted round robin, precomputed on
 * the control plane and walked lock-free by an atomic cursor.
 */
package io.ballast.core.balance.weightedroundrobin;
