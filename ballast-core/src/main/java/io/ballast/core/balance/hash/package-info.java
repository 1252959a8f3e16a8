/**
 * Hashing for consistent-hash algorithms: {@link io.ballast.core.balance.hash.XxHash64}, an
 * allocation-free xxHash64 that gives every node the same answer, and {@link
 * io.ballast.core.balance.hash.RequestHasher}, which hashes the part of a request named by the
 * pool's {@code hash-on:}.
 */
package io.ballast.core.balance.hash;
