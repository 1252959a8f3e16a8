package io.ballast.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One admin request, fully read (the admin server aggregates bodies up to its size limit, so
 * handlers never see reference-counted buffers).
 */
public final class AdminRequest {
  private final HttpMethod method;
  private final String path;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query;
  private final HttpHeaders headers;
  private final byte[] body;
  private final InetSocketAddress remoteAddress;

  /**
   * Creates a request (the admin server does; tests may too).
   *
   * @param method the HTTP method
   * @param path the decoded path, without the query
   * @param pathParams values of the route pattern's {@code {name}} segments, decoded
   * @param query query parameters, decoded
   * @param headers request headers
   * @param body the body, empty when there is none
   * @param remoteAddress the client's address
   */
  public AdminRequest(
      HttpMethod method,
      String path,
      Map<String, String> pathParams,
      Map<String, List<String>> query,
      HttpHeaders headers,
      byte[] body,
      InetSocketAddress remoteAddress) {
    this.method = method;
    this.path = path;
    this.pathParams = Map.copyOf(pathParams);
    this.query = Map.copyOf(query);
    this.headers = headers;
    this.body = body;
    this.remoteAddress = remoteAddress;
  }

  public HttpMethod method() {
    return method;
  }

  /** The path without the query, such as {@code /api/v1/pools/web}. */
  public String path() {
    return path;
  }

  /** A {@code {name}} segment of the route pattern; {@code ""} for an unknown name. */
  public String pathParam(String name) {
    return pathParams.getOrDefault(name, "");
  }

  /** The first value of a query parameter. */
  public Optional<String> query(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** Every query parameter. */
  public Map<String, List<String>> queryParams() {
    return query;
  }

  public HttpHeaders headers() {
    return headers;
  }

  /** The raw body; empty when there is none. Do not modify. */
  public byte[] body() {
    return body;
  }

  public boolean hasBody() {
    return body.length > 0;
  }

  /** The client's address. */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * The body as a JSON object.
   *
   * @throws AdminException 400 when there is no body, it is not JSON, or not an object
   */
  public JsonNode jsonObject() throws AdminException {
    if (!hasBody()) {
      throw AdminException.badRequest("expected a JSON object in the request body");
    }
    JsonNode node;
    try {
      node = AdminResponse.mapper().readTree(body);
    } catch (JacksonException e) {
      throw AdminException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw AdminException.badRequest("the body is not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw AdminException.badRequest(
          "expected a JSON object in the request body, got "
              + (node == null
                  ? "nothing"
                  : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return node;
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
