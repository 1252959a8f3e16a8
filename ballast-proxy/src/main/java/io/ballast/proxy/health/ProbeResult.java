package io.ballast.proxy.health;

/**
 * The outcome of one active check.
 *
 * @param ok whether the backend passed
 * @param reason why it failed, or a short description of success ("HTTP 200", "connected")
 * @param latencyNanos time from starting the connect to the verdict
 * @param reply for agent checks, the agent's reply line; otherwise {@code null}
 */
public record ProbeResult(boolean ok, String reason, long latencyNanos, String reply) {}
