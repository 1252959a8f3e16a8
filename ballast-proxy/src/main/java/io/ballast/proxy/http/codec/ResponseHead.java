package io.ballast.proxy.http.codec;

import io.netty.util.AsciiString;

/** A parsed response head: status, reason, version, fields and framing. */
public final class ResponseHead extends HttpHead {
  int status;
  int reasonStart;
  int reasonEnd;

  ResponseHead(byte[] raw, int rawLength, int fieldLines) {
    super(raw, rawLength, fieldLines);
  }

  /** The status code. */
  public int status() {
    return status;
  }

  /** The reason phrase as sent (may be empty). */
  public AsciiString reason() {
    return new AsciiString(raw, reasonStart, reasonEnd - reasonStart, false);
  }

  /** Whether the body runs until the connection closes (no length, not chunked). */
  public boolean closeDelimited() {
    return hasBody && contentLength < 0 && !chunked;
  }

  @Override
  public String toString() {
    return "HTTP/1." + (version - 10) + " " + status + " " + reason();
  }
}
