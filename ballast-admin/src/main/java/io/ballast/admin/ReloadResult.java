package io.ballast.admin;

import java.util.List;

/**
 * The outcome of a config reload ({@code POST /api/v1/config/reload}, {@code ballast ctl reload},
 * later SIGHUP), as the node's reload hook reports it.
 *
 * @param outcome what happened
 * @param message one line for humans
 * @param errors every config error ({@code ballast.yaml:14 pools[0]...}); empty unless {@link
 *     Outcome#INVALID}
 * @param warnings config warnings
 * @param overlayDropped runtime changes that no longer apply to the new file and were dropped
 * @param generation the snapshot generation now running (0 unless {@link Outcome#RELOADED})
 */
public record ReloadResult(
    Outcome outcome,
    String message,
    List<String> errors,
    List<String> warnings,
    List<String> overlayDropped,
    long generation) {

  /** What a reload did. */
  public enum Outcome {
    /** The new config runs. */
    RELOADED,
    /**
     * The file (or the overlay) has errors, or could not be applied: the old config keeps running.
     */
    INVALID,
    /** This node has no config file to reload (the demo, embedded use). */
    UNAVAILABLE
  }

  public ReloadResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    overlayDropped = List.copyOf(overlayDropped);
  }

  /** The new config runs. */
  public static ReloadResult reloaded(
      String message, long generation, List<String> warnings, List<String> overlayDropped) {
    return new ReloadResult(
        Outcome.RELOADED, message, List.of(), warnings, overlayDropped, generation);
  }

  /** Nothing changed: these errors stand in the way. */
  public static ReloadResult invalid(String message, List<String> errors, List<String> warnings) {
    return new ReloadResult(Outcome.INVALID, message, errors, warnings, List.of(), 0);
  }

  /** Reloading is not possible on this node. */
  public static ReloadResult unavailable(String message) {
    return new ReloadResult(Outcome.UNAVAILABLE, message, List.of(), List.of(), List.of(), 0);
  }
}
