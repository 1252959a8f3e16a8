package io.ballast.proxy.http.codec;

/**
 * Emitted by {@link Http1Decoder} after the last body bytes of a message. Messages without a body
 * emit no {@code BodyEnd}: their head says {@link HttpHead#hasBody()} is false.
 */
public final class BodyEnd {
  /** The only instance. */
  public static final BodyEnd INSTANCE = new BodyEnd();

  private BodyEnd() {}

  @Override
  public String toString() {
    return "BodyEnd";
  }
}
