package io.ballast.proxy.http.codec;

/**
 * Emitted by {@link Http1Decoder} instead of a message when the peer sent something that is not
 * valid HTTP/1.1. The decoder discards everything after it; the connection must be closed.
 *
 * @param status the status to answer a client with (400, 413, 414, 431, 501, 505); for upstream
 *     responses the proxy answers 502 regardless
 * @param reason one line for the error body and the log
 */
public record HttpParseError(int status, String reason) {}
