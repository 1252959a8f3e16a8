package io.ballast.core.health;

/** Whether health checking lets a backend take traffic. */
public enum HealthStatus {
  /** Healthy: may take traffic. */
  UP,
  /** Unhealthy: takes no traffic (unless the pool is in panic). */
  DOWN
}
