package io.ballast.core.balance;

import io.ballast.core.time.Ticker;
import java.util.random.RandomGenerator;

/**
 * What a balancer may use besides its endpoints: the pool's name, time and randomness. Both are
 * injected so tests and the simulator can drive balancers deterministically.
 *
 * @param pool the pool's name
 * @param ticker monotonic time
 * @param random randomness; in production shared by all event loops (thread-local underneath)
 * @param hashOn what hash-based algorithms hash ({@code hash-on:} on the pool)
 */
public record BalancerContext(String pool, Ticker ticker, RandomGenerator random, HashOn hashOn) {}
