package io.ballast.core.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the errors and warnings found while loading one config file. */
final class Diagnostics {
  private final String file;
  private final List<ConfigError> errors = new ArrayList<>();
  private final List<ConfigError> warnings = new ArrayList<>();

  Diagnostics(String file) {
    this.file = file;
  }

  void error(int line, String path, String message) {
    ConfigError e = new ConfigError(file, line, path, message);
    // Aliased YAML nodes are read once per use; report each problem once.
    if (!errors.contains(e)) {
      errors.add(e);
    }
  }

  void warning(int line, String path, String message) {
    ConfigError w = new ConfigError(file, line, path, message);
    if (!warnings.contains(w)) {
      warnings.add(w);
    }
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Errors by line; a stable sort keeps the order they were found in within one line. */
  List<ConfigError> errors() {
    return sorted(errors);
  }

  List<ConfigError> warnings() {
    return sorted(warnings);
  }

  private static List<ConfigError> sorted(List<ConfigError> list) {
    List<ConfigError> copy = new ArrayList<>(list);
    copy.sort(Comparator.comparingInt(ConfigError::line));
    return List.copyOf(copy);
  }
}
