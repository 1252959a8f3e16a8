package io.ballast.core.persist;

/** Read access to a response's header fields, for persistence that learns from responses. */
@FunctionalInterface
public interface ResponseHeaders {

  /**
   * The value of the {@code occurrence}-th (0-based) field with this name (case-insensitive), or
   * {@code null} when there are fewer.
   */
  CharSequence header(CharSequence name, int occurrence);
}
