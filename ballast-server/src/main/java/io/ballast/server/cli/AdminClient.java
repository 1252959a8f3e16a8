package io.ballast.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The admin API as {@code ballast ctl} calls it: one HTTP/1.1 request per call, the bearer token
 * when one is given, and failures turned into one-line messages with the exit code they mean.
 */
final class AdminClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI base;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  /** A response: its status, raw body and the body parsed as JSON ({@code null} if it is not). */
  record Response(int status, String body, JsonNode json) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** A failure with the exit code it maps to and a message for the user. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  private AdminClient(URI base, String token, Duration timeout) {
    this.base = base;
    this.token = token;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * A client for the admin API at {@code url}, authenticating with the token in {@code tokenFile}
   * when given.
   *
   * @throws Failure (usage) for a malformed URL or an unreadable token file
   */
  static AdminClient create(String url, Path tokenFile, Duration timeout) throws Failure {
    URI base;
    try {
      String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      base = new URI(u);
    } catch (URISyntaxException e) {
      throw new Failure(CtlCommand.USAGE, "--admin: '" + url + "' is not a URL");
    }
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null) {
      throw new Failure(
          CtlCommand.USAGE,
          "--admin: '" + url + "' is not an http:// URL (like http://127.0.0.1:9090)");
    }
    String token = null;
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        throw new Failure(CtlCommand.USAGE, "--token-file " + tokenFile + ": no such file");
      } catch (IOException e) {
        throw new Failure(
            CtlCommand.USAGE, "--token-file " + tokenFile + ": cannot read it: " + e.getMessage());
      }
      if (token.isEmpty()) {
        throw new Failure(CtlCommand.USAGE, "--token-file " + tokenFile + ": the file is empty");
      }
    }
    return new AdminClient(base, token, timeout);
  }

  String baseUrl() {
    return base.toString();
  }

  boolean hasToken() {
    return token != null;
  }

  Response get(String path) throws Failure {
    return send("GET", path, null, timeout);
  }

  Response send(String method, String path, JsonNode body) throws Failure {
    return send(method, path, body, timeout);
  }

  /**
   * Sends a request and reads the whole answer.
   *
   * @throws Failure (unreachable) when no answer came
   */
  Response send(String method, String path, JsonNode body, Duration requestTimeout) throws Failure {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within 5s");
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + CtlCommand.format(requestTimeout));
    } catch (ConnectException e) {
      throw unreachable(
          e.getCause() instanceof UnresolvedAddressException
              ? "unknown host '" + base.getHost() + "'"
              : "connection refused");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("interrupted");
    }
    JsonNode json = null;
    String contentType = r.headers().firstValue("Content-Type").orElse("");
    if (contentType.startsWith("application/json")) {
      try {
        json = MAPPER.readTree(r.body());
      } catch (IOException e) {
        json = null;
      }
    }
    return new Response(r.statusCode(), r.body(), json);
  }

  private Failure unreachable(String why) {
    return new Failure(
        CtlCommand.UNREACHABLE,
        "cannot reach the admin API at " + base + ": " + why + " — is the node running? (--admin)");
  }

  /** The JSON mapper for request bodies. */
  static ObjectMapper mapper() {
    return MAPPER;
  }
}
