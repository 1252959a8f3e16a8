package io.ballast.core.config;

import io.ballast.core.balance.BalancerRegistry;
import java.io.IOException;
import java.nio.file.Path;

/** Reads and validates {@code ballast.yaml}. Placeholder until the loader lands. */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads and validates a config file, reporting every error at once. */
  public static BallastConfig load(Path file, BalancerRegistry registry)
      throws IOException, ConfigException {
    throw new UnsupportedOperationException("not yet");
  }
}
