package io.ballast.core.config;

/**
 * Limits on what a client may send ({@code limits:} on an HTTP listener). Exceeding one gets a
 * precise status (414/431/413) and the connection closed.
 *
 * @param maxRequestLine longest request line in bytes (414 beyond)
 * @param maxHeaderSize total size of the header block in bytes (431 beyond)
 * @param maxHeaders most header fields in one request (431 beyond)
 * @param maxBody largest request body in bytes; 0 means unlimited (413 beyond)
 */
public record HttpLimits(int maxRequestLine, int maxHeaderSize, int maxHeaders, long maxBody) {

  /** 8 KiB request line, 32 KiB of headers, 100 fields, unlimited body. */
  public static HttpLimits defaults() {
    return new HttpLimits(8 * 1024, 32 * 1024, 100, 0);
  }
}
