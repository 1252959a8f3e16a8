package io.ballast.proxy.observe;

import io.ballast.core.model.Backend;
import java.net.InetSocketAddress;

/**
 * One finished request as metrics and access logs see it. The data plane keeps one per client
 * connection and refills it per request: read it only during {@link
 * ListenerObserver#exchangeCompleted}, and copy what must outlive the call.
 */
public final class ExchangeRecord {
  /** Epoch milliseconds when the request's head was complete. */
  public long startEpochMillis;

  /** The client's address. */
  public InetSocketAddress client;

  /** The listener's name. */
  public String listener;

  /** The pool that served it, or {@code null} if it never got one (rejected at parse). */
  public String pool;

  /** The backend of the last attempt, or {@code null}. */
  public Backend backend;

  /** Method token as sent ({@code "GET"}), or {@code "-"} when the request could not be parsed. */
  public CharSequence method;

  /** Request target as sent, or {@code "-"}. */
  public CharSequence target;

  /** {@code HTTP/1.0} or {@code HTTP/1.1}. */
  public String protocol;

  /** The {@code Referer} and {@code User-Agent} values, or {@code null} (for combined logs). */
  public CharSequence referer;

  /** The {@code User-Agent} value, or {@code null}. */
  public CharSequence userAgent;

  /** The status sent to the client; 0 if the connection was cut before any. */
  public int status;

  /** Request body bytes received from the client. */
  public long bytesIn;

  /** Response bytes (head and body) sent to the client. */
  public long bytesOut;

  /** Attempts beyond the first. */
  public int retries;

  /** Nanoseconds waiting for a free backend slot (the pool queue). */
  public long queueNanos;

  /** Nanoseconds to get an upstream connection (0 when an idle one was reused). */
  public long connectNanos;

  /** Nanoseconds from the request's head to the response's first byte. */
  public long firstByteNanos;

  /** Nanoseconds from the request's head to the end of the response. */
  public long totalNanos;

  /** Why Ballast answered itself or cut the exchange ({@code "connect-refused"}...), or null. */
  public String error;

  /** Clears the record for the next request. */
  public void reset() {
    startEpochMillis = 0;
    pool = null;
    backend = null;
    method = "-";
    target = "-";
    protocol = "HTTP/1.1";
    referer = null;
    userAgent = null;
    status = 0;
    bytesIn = 0;
    bytesOut = 0;
    retries = 0;
    queueNanos = 0;
    connectNanos = 0;
    firstByteNanos = 0;
    totalNanos = 0;
    error = null;
  }
}
