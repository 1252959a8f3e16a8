/**
 * The observability seam of the data plane: {@link io.ballast.proxy.observe.TrafficObserver} and
 * {@link io.ballast.proxy.observe.ListenerObserver} receive per-connection and per-request events;
 * {@link io.ballast.proxy.observe.ExchangeRecord} carries one finished request.
 */
package io.ballast.proxy.observe;
