package io.ballast.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that failed validation; carries every error found, in file order. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  /** The errors, sorted by line. */
  public List<ConfigError> errors() {
    return errors;
  }
}
