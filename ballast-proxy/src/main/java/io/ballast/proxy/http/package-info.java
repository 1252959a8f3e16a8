/**
 * HTTP/1.1 proxying above the wire codec: per-connection exchange handling, routing, balancing,
 * retries, timeouts and back-pressure.
 */
package io.ballast.proxy.http;
