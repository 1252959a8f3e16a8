package io.ballast.core.persist;

import io.ballast.core.config.PersistenceConfig;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's session persistence: long-lived state (signing key, session tables) that survives
 * snapshots and config reloads as long as the pool's {@code persistence:} settings stay the same,
 * and turns each snapshot's endpoints into a {@link SessionAffinity}. Called on the control-plane
 * thread.
 */
public abstract class Persistence {
  private static final Logger log = LoggerFactory.getLogger(Persistence.class);

  private final PersistenceConfig config;

  Persistence(PersistenceConfig config) {
    this.config = config;
  }

  /** The settings this persistence was built from. */
  public PersistenceConfig config() {
    return config;
  }

  /**
   * The affinity for a new snapshot.
   *
   * @param all every endpoint of the pool (draining and unhealthy included)
   * @param eligible the endpoints that may take new traffic
   */
  public abstract SessionAffinity update(List<Endpoint> all, List<Endpoint> eligible);

  /**
   * Creates a pool's persistence.
   *
   * @param pool the pool's name (part of what cookies sign, so a cookie of one pool means nothing
   *     to another)
   * @param config the settings
   * @param ticker monotonic time for table expiry
   * @param clock wall-clock time for cookie expiry (cookies cross nodes and restarts)
   * @throws UncheckedIOException when the cookie secret file cannot be read
   */
  public static Persistence create(
      String pool, PersistenceConfig config, Ticker ticker, InstantSource clock) {
    return switch (config.type()) {
      case NONE -> new None(config);
      case COOKIE -> new CookiePersistence(pool, config, secret(pool, config), clock);
      case APP_COOKIE -> new AppCookiePersistence(config, ticker);
      case SOURCE_IP ->
          config.sourceMode() == PersistenceConfig.SourceMode.HASH
              ? new SourceHashPersistence(pool, config, ticker)
              : new SourceTablePersistence(config, ticker);
    };
  }

  private static byte[] secret(String pool, PersistenceConfig config) {
    if (config.secretFile() == null) {
      log.warn(
          "pool '{}': persistence cookies are signed with a random key; they will not survive a"
              + " restart or work on other nodes (set persistence.secret-file)",
          pool);
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      return key;
    }
    try {
      byte[] key =
          Files.readString(config.secretFile(), StandardCharsets.UTF_8)
              .strip()
              .getBytes(StandardCharsets.UTF_8);
      if (key.length < 16) {
        throw new IllegalArgumentException(
            "pool '"
                + pool
                + "': persistence.secret-file "
                + config.secretFile()
                + " holds fewer than 16 bytes; use a long random secret");
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "pool '" + pool + "': cannot read persistence.secret-file " + config.secretFile(), e);
    }
  }

  private static final class None extends Persistence {
    None(PersistenceConfig config) {
      super(config);
    }

    @Override
    public SessionAffinity update(List<Endpoint> all, List<Endpoint> eligible) {
      return SessionAffinity.NONE;
    }
  }
}
