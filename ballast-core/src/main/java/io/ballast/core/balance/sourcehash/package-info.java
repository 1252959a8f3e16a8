/** The {@code source-hash} algorithm: weighted rendezvous hashing of the pool's hash key. */
package io.ballast.core.balance.sourcehash;
