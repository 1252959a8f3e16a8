package io.ballast.core.config;

/**
 * A route: requests matching {@code match} go to {@code pool}.
 *
 * @param match what a request must look like
 * @param pool the pool that serves it
 */
public record RouteConfig(RouteMatch match, String pool) {}
