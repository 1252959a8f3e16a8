/**
 * Active health checks on the event loops: {@link io.ballast.proxy.health.HealthProber} runs one
 * check (HTTP, TCP, send/expect, agent) without a thread of its own.
 */
package io.ballast.proxy.health;
