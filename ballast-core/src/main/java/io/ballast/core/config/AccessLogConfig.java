package io.ballast.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A listener's access log ({@code listeners[].access-log}).
 *
 * @param format the line format, or {@link Format#OFF}
 * @param file the file lines are appended to, or {@code null} for standard output
 * @param buffer lines held in memory for the writer; when it is full, lines are dropped (and
 *     counted) rather than slowing the event loop
 */
public record AccessLogConfig(Format format, Path file, int buffer) {

  /** Default {@link #buffer}: lines waiting for the writer. */
  public static final int DEFAULT_BUFFER = 8192;

  /** No access log. */
  public static final AccessLogConfig OFF = new AccessLogConfig(Format.OFF, null, DEFAULT_BUFFER);

  public AccessLogConfig {
    Objects.requireNonNull(format);
    if (buffer < 1) {
      throw new IllegalArgumentException("buffer must be positive");
    }
  }

  /** Whether lines are written at all. */
  public boolean enabled() {
    return format != Format.OFF;
  }

  /** Where lines go, as the config spells it: {@code stdout} or the file's path. */
  public String target() {
    return file == null ? "stdout" : file.toString();
  }

  /** Line formats. */
  public enum Format {
    /** No access log. */
    OFF,
    /** One JSON object per line with every field. */
    JSON,
    /** NCSA Common Log Format, then Ballast's fields (pool, backend, retries, timings). */
    COMMON,
    /** NCSA Combined (Common plus referer and user agent), then Ballast's fields. */
    COMBINED
  }
}
