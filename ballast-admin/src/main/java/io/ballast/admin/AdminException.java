package io.ballast.admin;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the admin API refuses, answered as {@code {"error": message, "status": code}} with the
 * status given here. Messages name the field, pool or backend concerned and what is allowed.
 */
public class AdminException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient HttpHeaders headers = new DefaultHttpHeaders();

  /** A refusal with this HTTP status (4xx, or 5xx for failures of the node itself). */
  public AdminException(HttpResponseStatus status, String message) {
    super(message);
    this.status = status.code();
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** Extra response headers ({@code Allow}, {@code WWW-Authenticate}, ...). */
  public HttpHeaders headers() {
    return headers;
  }

  /** Adds a response header. */
  public AdminException header(CharSequence name, Object value) {
    headers.set(name, value);
    return this;
  }

  /** 400: malformed JSON, a field of the wrong type, a missing or unknown field. */
  public static AdminException badRequest(String message) {
    return new AdminException(HttpResponseStatus.BAD_REQUEST, message);
  }

  /** 404: no such pool, backend or resource. */
  public static AdminException notFound(String message) {
    return new AdminException(HttpResponseStatus.NOT_FOUND, message);
  }

  /** 409: the request conflicts with the current state (a duplicate id, no config file). */
  public static AdminException conflict(String message) {
    return new AdminException(HttpResponseStatus.CONFLICT, message);
  }

  /** 422: well-formed but invalid value (a weight out of range, an unknown state). */
  public static AdminException unprocessable(String message) {
    return new AdminException(HttpResponseStatus.UNPROCESSABLE_ENTITY, message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // refusals are expected outcomes, not bugs: no stack trace to fill
  }
}
