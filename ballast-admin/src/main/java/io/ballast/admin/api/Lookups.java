package io.ballast.admin.api;

import io.ballast.admin.AdminException;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.overlay.FieldException;
import io.ballast.core.config.Durations;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finding pools and backends, reading query parameters: with the API's error messages. */
final class Lookups {
  private static final int MAX_NAMES_LISTED = 20;

  private Lookups() {}

  /** A pool, or 404 listing the pools there are. */
  static PoolSnapshot pool(Snapshot s, String name) throws AdminException {
    PoolSnapshot p = s.pool(name);
    if (p == null) {
      throw AdminException.notFound(
          "no pool named '" + name + "'; pools are: " + names(List.copyOf(s.pools().keySet())));
    }
    return p;
  }

  /** A backend, or 404 listing the pool's backends. */
  static Endpoint backend(Snapshot s, String pool, String id) throws AdminException {
    PoolSnapshot p = pool(s, pool);
    Endpoint e = p.endpoint(id);
    if (e == null) {
      throw AdminException.notFound(
          "pool '"
              + pool
              + "' has no backend '"
              + id
              + "'"
              + (p.endpoints().isEmpty()
                  ? " (it has no backends)"
                  : "; backends are: " + names(p.endpoints().stream().map(Endpoint::id).toList())));
    }
    return e;
  }

  private static String names(List<String> names) {
    if (names.size() <= MAX_NAMES_LISTED) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, MAX_NAMES_LISTED))
        + " and "
        + (names.size() - MAX_NAMES_LISTED)
        + " more";
  }

  /** A boolean query parameter ({@code true/false/1/0/yes/no}); 400 otherwise. */
  static Optional<Boolean> bool(AdminRequest r, String name) throws AdminException {
    Optional<String> v = r.query(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    return switch (v.get().toLowerCase(Locale.ROOT)) {
      case "", "true", "1", "yes" -> Optional.of(true);
      case "false", "0", "no" -> Optional.of(false);
      default ->
          throw AdminException.badRequest(
              "query parameter '" + name + "': expected true or false, got '" + v.get() + "'");
    };
  }

  /** A duration query parameter ({@code 30s}, {@code 2m}) within {@code 0..max}. */
  static Optional<Duration> duration(AdminRequest r, String name, Duration max)
      throws AdminException {
    Optional<String> v = r.query(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Duration d;
    try {
      d = Durations.parse(v.get());
    } catch (IllegalArgumentException e) {
      throw AdminException.badRequest("query parameter '" + name + "': " + e.getMessage());
    }
    if (d.compareTo(max) > 0) {
      throw AdminException.unprocessable(
          "query parameter '"
              + name
              + "': "
              + v.get()
              + " is out of range 0.."
              + Durations.format(max));
    }
    return Optional.of(d);
  }

  /** A field problem as the API reports it: 422 for invalid values, 400 for the rest. */
  static AdminException field(FieldException e) {
    return e.invalidValue()
        ? AdminException.unprocessable(e.getMessage())
        : AdminException.badRequest(e.getMessage());
  }
}
