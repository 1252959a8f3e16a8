package io.ballast.admin;

/**
 * The body of a streamed response ({@link AdminResponse#stream}): server-sent events, long polls,
 * live logs. Thread-safe: producers may write from any thread. Each write is sent as one HTTP chunk
 * and flushed.
 */
public interface ResponseStream {

  /** Sends text (UTF-8). Ignored once the stream is closed. */
  void write(String text);

  /** Sends bytes. Ignored once the stream is closed. */
  void write(byte[] bytes);

  /**
   * Whether the client keeps up: false while unsent data piles up. Producers of periodic updates
   * (dashboards) skip an update rather than queue it.
   */
  boolean writable();

  /** Whether the stream is still open (not closed by the producer, the client or the server). */
  boolean isOpen();

  /** Ends the response. Idempotent. */
  void close();

  /**
   * Runs {@code action} once when the stream ends for any reason (close, client gone, server
   * stopping); at once if it has already ended. Producers cancel their timers here.
   */
  void onClose(Runnable action);
}
