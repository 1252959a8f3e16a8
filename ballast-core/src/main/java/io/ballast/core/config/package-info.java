/**
 * The node configuration: immutable records ({@link io.ballast.core.config.BallastConfig} and
 * below), the YAML loader with complete, line-numbered validation ({@link
 * io.ballast.core.config.ConfigLoader}), and value parsers for durations, sizes and addresses.
 */
package io.ballast.core.config;
