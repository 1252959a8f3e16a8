package io.ballast.core.time;

import io.ballast.core.util.SuppressForbidden;
import java.time.InstantSource;

/** Wall-clock time for the few policies that need it (cookie expiry across nodes). */
public final class Clocks {
  private Clocks() {}

  /** The system's wall clock. */
  @SuppressForbidden(reason = "the production wall clock")
  public static InstantSource system() {
    return InstantSource.system();
  }
}
