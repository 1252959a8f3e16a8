package io.ballast.proxy.upstream;

import io.ballast.proxy.http.codec.HttpParseError;
import io.ballast.proxy.http.codec.ResponseHead;
import io.netty.buffer.ByteBuf;

/**
 * Receives what a backend sends on an upstream connection while a request owns it. Always called on
 * the event loop that owns both the client and the upstream connection.
 */
public interface UpstreamListener {

  /** A response head (1xx included) arrived. */
  void onResponseHead(UpstreamConnection connection, ResponseHead head);

  /** Response body bytes (or tunnelled bytes); the listener owns the buffer. */
  void onResponseBody(UpstreamConnection connection, ByteBuf body);

  /** The response is complete. */
  void onResponseEnd(UpstreamConnection connection);

  /** The backend sent something that is not valid HTTP. */
  void onResponseInvalid(UpstreamConnection connection, HttpParseError error);

  /** The connection failed (reset, closed) while the request owned it. */
  void onUpstreamClosed(UpstreamConnection connection, Throwable cause);

  /** The upstream connection's writability changed (request body back-pressure). */
  void onUpstreamWritabilityChanged(UpstreamConnection connection);

  /** The upstream read batch ended: a good time to flush what was written to the client. */
  void onUpstreamReadComplete(UpstreamConnection connection);
}
