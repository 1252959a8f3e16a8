package io.ballast.core.config;

/**
 * One problem found in a config file.
 *
 * @param file the file name as given (or {@code <config>} when generated)
 * @param line 1-based line, or 0 when unknown
 * @param path the field path, such as {@code pools[0].backends[2].address}; empty for the whole
 *     file
 * @param message what is wrong and what is allowed
 */
public record ConfigError(String file, int line, String path, String message) {

  /** {@code ballast.yaml:14 pools[0].backends[2].address: port 70000 is out of range 1..65535}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(' ');
    if (!path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }
}
