package io.ballast.core.config;

import java.util.Map;

/**
 * Application log levels ({@code logging:}).
 *
 * @param level the root level: {@code error | warn | info | debug | trace}
 * @param levels per logger (package or class name) overrides
 */
public record LoggingConfig(String level, Map<String, String> levels) {

  public LoggingConfig {
    levels = Map.copyOf(levels);
  }

  /** Root at {@code info}, no overrides. */
  public static LoggingConfig defaults() {
    return new LoggingConfig("info", Map.of());
  }
}
