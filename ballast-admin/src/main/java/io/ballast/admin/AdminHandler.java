package io.ballast.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers requests for one route, Envoy-style: one handler per resource. Runs on the admin event
 * loop, so it must not block: anything slow (control-plane changes, file I/O) returns a stage that
 * completes later. Throwing (or completing with) an {@link AdminException} answers with its JSON
 * error; any other failure answers 500.
 */
@FunctionalInterface
public interface AdminHandler {

  /** Handles one request. */
  CompletionStage<AdminResponse> handle(AdminRequest request) throws AdminException;

  /** A handler that answers at once. */
  static AdminHandler sync(Sync handler) {
    return request -> CompletableFuture.completedFuture(handler.handle(request));
  }

  /** The synchronous form of {@link AdminHandler}. */
  @FunctionalInterface
  interface Sync {
    /** Handles one request and answers at once. */
    AdminResponse handle(AdminRequest request) throws AdminException;
  }
}
