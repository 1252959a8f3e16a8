/**
 * Prometheus metrics: {@link io.ballast.admin.metrics.ProxyMetrics} observes the data plane
 * (lock-free {@code LongAdder} counters and fixed-bucket histograms reached through attachments, no
 * map lookup per request), reads the live world at scrape time, takes health-check events through
 * {@link io.ballast.admin.metrics.HealthMetrics}, and renders everything (JVM and process included)
 * with the Prometheus Java client.
 */
package io.ballast.admin.metrics;
