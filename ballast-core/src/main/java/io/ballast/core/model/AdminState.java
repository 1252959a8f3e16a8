package io.ballast.core.model;

/**
 * What an operator wants of a backend, independent of its health (HAProxy's {@code ready | drain |
 * maint}).
 */
public enum AdminState {
  /** Takes new traffic when healthy. */
  ACTIVE,
  /** Takes no new sessions; requests of persisted sessions still reach it until it leaves. */
  DRAINING,
  /** Takes no traffic at all; health checks keep running so its state is known on return. */
  MAINTENANCE
}
