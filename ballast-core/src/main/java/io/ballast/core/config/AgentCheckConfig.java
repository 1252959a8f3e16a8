package io.ballast.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * An HAProxy-style agent check: a small TCP agent on the backend answers one line such as {@code up
 * 75%}, {@code drain} or {@code down #disk full}, so a VM reports its own state and capacity.
 *
 * <p>With {@code type: agent} the agent is the pool's health check (its answer is the verdict,
 * subject to {@code rise}/{@code fall}, and an unreachable agent is a failed check). With another
 * type and {@code agent-port} set it runs beside that check, as in HAProxy: its answers change the
 * backend's weight and admin state and can mark it down, but an unreachable agent changes nothing
 * (the main check judges reachability).
 *
 * @param port the agent's TCP port on the backend's host
 * @param interval time between two agent queries (with {@code type: agent}, the check's own
 *     intervals apply instead)
 * @param send bytes written after connecting, or {@link Payload#EMPTY} to only read the answer
 */
public record AgentCheckConfig(int port, Duration interval, Payload send) {
  public AgentCheckConfig {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("agent port " + port + " is out of range 1..65535");
    }
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(send, "send");
  }
}
