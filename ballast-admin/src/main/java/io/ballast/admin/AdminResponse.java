package io.ballast.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a handler answers: a status, a content type, headers and either a complete body or a stream.
 * JSON bodies are serialized when the response is created, pretty-printed (operators read them with
 * curl) and end with a newline.
 */
public final class AdminResponse {
  /** {@code application/json}. */
  public static final String JSON = "application/json";

  /** {@code text/plain; charset=utf-8}. */
  public static final String TEXT = "text/plain; charset=utf-8";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"))
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withObjectEmptySeparator("")
                      .withArrayEmptySeparator("")));

  private final HttpResponseStatus status;
  private final String contentType;
  private final byte[] body;
  private final Consumer<ResponseStream> producer;
  private final HttpHeaders headers = new DefaultHttpHeaders();

  private AdminResponse(
      HttpResponseStatus status,
      String contentType,
      byte[] body,
      Consumer<ResponseStream> producer) {
    this.status = Objects.requireNonNull(status);
    this.contentType = Objects.requireNonNull(contentType);
    this.body = body;
    this.producer = producer;
  }

  /** The Jackson mapper behind every JSON body and {@link AdminRequest#jsonObject()}. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A new empty JSON object to fill in. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Serializes a value (a {@code JsonNode}, a map, a record) the way every response does. */
  public static byte[] toJson(Object value) {
    try {
      byte[] json = PRETTY.writeValueAsBytes(value);
      byte[] withNewline = new byte[json.length + 1];
      System.arraycopy(json, 0, withNewline, 0, json.length);
      withNewline[json.length] = '\n';
      return withNewline;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + value.getClass().getName(), e);
    }
  }

  /** A JSON response. */
  public static AdminResponse json(HttpResponseStatus status, Object value) {
    return new AdminResponse(status, JSON, toJson(value), null);
  }

  /** 200 with a JSON body. */
  public static AdminResponse ok(Object value) {
    return json(HttpResponseStatus.OK, value);
  }

  /** A plain-text response (UTF-8). */
  public static AdminResponse text(HttpResponseStatus status, String text) {
    return new AdminResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8), null);
  }

  /** A response with any content type ({@code /metrics}, dashboard files). */
  public static AdminResponse of(HttpResponseStatus status, String contentType, byte[] body) {
    return new AdminResponse(status, contentType, body.clone(), null);
  }

  /**
   * A streamed 200 response (chunked): {@code producer} receives the stream once the response head
   * is sent, and writes to it whenever it likes, from any thread, until it closes it. For
   * server-sent events use {@code text/event-stream}.
   */
  public static AdminResponse stream(String contentType, Consumer<ResponseStream> producer) {
    return new AdminResponse(
        HttpResponseStatus.OK, contentType, null, Objects.requireNonNull(producer));
  }

  /** The JSON error body every refusal uses: {@code {"error": message, "status": code}}. */
  public static AdminResponse error(HttpResponseStatus status, String message) {
    ObjectNode o = object();
    o.put("error", message);
    o.put("status", status.code());
    return json(status, o);
  }

  /** The JSON error for a refusal, with its headers. */
  public static AdminResponse error(AdminException e) {
    AdminResponse r = error(HttpResponseStatus.valueOf(e.status()), e.getMessage());
    r.headers.add(e.headers());
    return r;
  }

  /** Adds a header ({@code Location}, {@code Cache-Control}, ...). */
  public AdminResponse header(CharSequence name, Object value) {
    headers.set(name, value);
    return this;
  }

  public HttpResponseStatus status() {
    return status;
  }

  public String contentType() {
    return contentType;
  }

  /** Extra headers. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The complete body, or {@code null} for a stream. */
  public byte[] body() {
    return body;
  }

  /** The stream producer, or {@code null} for a complete body. */
  public Consumer<ResponseStream> producer() {
    return producer;
  }

  /** Whether the body is streamed. */
  public boolean isStream() {
    return producer != null;
  }
}
