/**
 * Health checking and fault tolerance as pure policies: the per-backend active-check state machine
 * ({@link io.ballast.core.health.HealthCheckState}, HAProxy's rise/fall with fast and down
 * intervals), the agent-check reply parser ({@link io.ballast.core.health.AgentReport}), passive
 * outlier detection ({@link io.ballast.core.health.OutlierDetector}, Envoy semantics), the panic
 * threshold ({@link io.ballast.core.health.PanicPolicy}), the retry budget ({@link
 * io.ballast.core.health.RetryBudget}) and host-level aggregation ({@link
 * io.ballast.core.health.HostHealth}).
 *
 * <p>Nothing here does I/O or reads the system clock: time comes from an injected {@link
 * io.ballast.core.time.Ticker} and randomness from an injected {@link
 * java.util.random.RandomGenerator}, so the data plane, unit tests and the simulator run the same
 * classes. The data plane runs the probes and reports outcomes; verdicts reach the data plane only
 * through the control plane's next snapshot. Each class documents which of its methods are safe on
 * event loops and which belong to the control-plane thread.
 */
package io.ballast.core.health;
