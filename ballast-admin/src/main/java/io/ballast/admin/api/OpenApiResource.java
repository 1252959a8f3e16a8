package io.ballast.admin.api;

import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /api/v1/openapi.json}: the hand-written OpenAPI 3.1 description of the API. */
public final class OpenApiResource {
  /** Where the description lives on the class path. */
  public static final String RESOURCE = "/io/ballast/admin/openapi.json";

  private final byte[] document = load();

  OpenApiResource() {}

  /** The OpenAPI document's bytes. */
  public static byte[] load() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  AdminResponse show(AdminRequest r) {
    return AdminResponse.of(HttpResponseStatus.OK, AdminResponse.JSON, document);
  }
}
