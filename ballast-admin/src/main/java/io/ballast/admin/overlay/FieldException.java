package io.ballast.admin.overlay;

/**
 * A JSON field that cannot be used: either malformed (missing, unknown, wrong type: HTTP 400) or
 * well-formed with an invalid value (out of range, unknown choice: HTTP 422). The message starts
 * with the field's path.
 */
public final class FieldException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean invalidValue;
  private final String path;

  FieldException(boolean invalidValue, String path, String message) {
    super(path.isEmpty() ? message : path + ": " + message);
    this.invalidValue = invalidValue;
    this.path = path;
  }

  static FieldException malformed(String path, String message) {
    return new FieldException(false, path, message);
  }

  static FieldException invalid(String path, String message) {
    return new FieldException(true, path, message);
  }

  /** True for a well-formed but invalid value (422); false for a malformed field (400). */
  public boolean invalidValue() {
    return invalidValue;
  }

  /** The field's path, such as {@code weight} or {@code pools.web.added[0].address}. */
  public String path() {
    return path;
  }
}
