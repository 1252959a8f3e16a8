package io.ballast.admin.dashboard;

import io.ballast.admin.AdminException;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's static files: the page, its script and style from this jar, and Chart.js from its
 * WebJar (never a CDN: the page works on a machine without internet). Only the files listed here
 * are served, so no request path can reach anything else on the class path.
 */
public final class DashboardFiles {
  private static final String OWN = "/io/ballast/admin/dashboard/";
  private static final String CHART_JS = chartJsResource();
  private static final String CSP =
      "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none';"
          + " base-uri 'none'; object-src 'none'";

  private record File(String resource, String contentType) {}

  private static final Map<String, File> FILES =
      Map.of(
          "", new File(OWN + "index.html", "text/html; charset=utf-8"),
          "index.html", new File(OWN + "index.html", "text/html; charset=utf-8"),
          "dashboard.js", new File(OWN + "dashboard.js", "text/javascript; charset=utf-8"),
          "dashboard.css", new File(OWN + "dashboard.css", "text/css; charset=utf-8"),
          "vendor/chart.umd.js", new File(CHART_JS, "text/javascript; charset=utf-8"));

  private DashboardFiles() {}

  /** The Chart.js bundle inside its WebJar, whatever version the build resolved. */
  private static String chartJsResource() {
    Properties p = new Properties();
    try (InputStream in =
        DashboardFiles.class.getResourceAsStream(
            "/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "/META-INF/resources/webjars/chart.js/"
        + p.getProperty("version", "4.4.1")
        + "/dist/chart.umd.js";
  }

  /**
   * Answers {@code GET /dashboard/{*file}}; {@code /dashboard} redirects to {@code /dashboard/} so
   * the page's relative links resolve.
   */
  public static AdminResponse serve(AdminRequest request) throws AdminException {
    if (request.path().equals("/dashboard")) {
      return AdminResponse.text(HttpResponseStatus.PERMANENT_REDIRECT, "see /dashboard/\n")
          .header("Location", "/dashboard/");
    }
    String name = request.pathParam("file");
    File f = FILES.get(name);
    if (f == null) {
      throw AdminException.notFound("no such dashboard file: " + name);
    }
    byte[] body;
    try (InputStream in = DashboardFiles.class.getResourceAsStream(f.resource())) {
      if (in == null) {
        throw AdminException.notFound("dashboard file missing from this build: " + name);
      }
      body = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AdminResponse r =
        AdminResponse.of(HttpResponseStatus.OK, f.contentType(), body)
            .header("X-Content-Type-Options", "nosniff");
    if (f.contentType().startsWith("text/html")) {
      // Only this origin's scripts, styles and connections: nothing inline, nothing remote.
      r.header("Content-Security-Policy", CSP).header("Referrer-Policy", "no-referrer");
    }
    return r;
  }
}
