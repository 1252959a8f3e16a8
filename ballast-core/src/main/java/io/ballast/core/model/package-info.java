/**
 * The world the balancer acts on: {@link io.ballast.core.model.Backend} (stable identity and live
 * load), {@link io.ballast.core.model.Endpoint} (a backend as one snapshot sees it) and {@link
 * io.ballast.core.model.AdminState}.
 */
package io.ballast.core.model;
