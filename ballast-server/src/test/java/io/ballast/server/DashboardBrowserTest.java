package io.ballast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.model.AdminState;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in a real browser (headless Chromium driven by Selenium) against a real node: the
 * page loads without console errors, lists the backends, its numbers move under load, history
 * survives a reload of the page, and its buttons change the backend through the admin API — asking
 * for the token when the API wants one. Leaves a screenshot in {@code target/dashboard.png}.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path profile;
  private final TestBackend b1 = TestBackend.start("b1");
  private final TestBackend b2 = TestBackend.start("b2");
  private final TestBackend b3 = TestBackend.start("b3");
  private Node node;
  private WebDriver browser;

  @BeforeEach
  void needsChromium() {
    // CI installs chromium and chromium-driver (bin/setup-test-deps); skip only where absent.
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver");
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit(); // before the node: the page's stream must not see the node go away
    }
    if (node != null) {
      node.close();
    }
    b1.close();
    b2.close();
    b3.close();
  }

  private static BackendConfig backend(TestBackend b, String vm, String host) {
    return new BackendConfig(
        b.id(), new HostPort("127.0.0.1", b.port()), 100, vm, host, AdminState.ACTIVE, 0);
  }

  private Node start(Path tokenFile) {
    BallastConfig c =
        TestConfigs.builder()
            .listener("web", 0, "web")
            .poolOf(
                "web",
                "round-robin",
                UnaryOperator.identity(),
                List.of(backend(b1, "web-1", "hv-a"), backend(b2, "web-2", "hv-b")))
            .poolOf(
                "api",
                "least-connections",
                UnaryOperator.identity(),
                List.of(backend(b3, "api-1", "hv-a")))
            .build();
    node = Node.start(NodeFixtures.withAdmin(c, tokenFile));
    return node;
  }

  private WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1440,1350",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return browser;
  }

  private WebElement cell(String backend, String field) {
    return browser.findElement(
        By.cssSelector("tr[data-backend='" + backend + "'] td[data-field='" + field + "']"));
  }

  private String text(String backend, String field) {
    return stable(
        By.cssSelector("tr[data-backend='" + backend + "'] td[data-field='" + field + "']"));
  }

  /** An element's text, read again if the page re-rendered it meanwhile. */
  private String stable(By by) {
    return Awaitility.await()
        .atMost(5, TimeUnit.SECONDS)
        .ignoreExceptions()
        .until(() -> browser.findElement(by).getText(), t -> true);
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private String apiState(String id, String token) throws Exception {
    return NodeFixtures.call(node, "GET", "/api/v1/pools/web/backends/" + id, null, token)
        .json()
        .get("state")
        .asText();
  }

  /** Sends requests through the proxy from a few threads until stopped. */
  private List<Thread> load(AtomicBoolean running, AtomicInteger sent) {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    HttpResponse<String> r =
                        NodeFixtures.client()
                            .send(
                                HttpRequest.newBuilder(
                                        URI.create(
                                            "http://127.0.0.1:" + node.proxy().port("web") + "/"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                      sent.incrementAndGet();
                    }
                    TimeUnit.MILLISECONDS.sleep(5);
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    return threads;
  }

  private List<LogEntry> consoleProblems() {
    List<LogEntry> bad = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        bad.add(e);
      }
    }
    return bad;
  }

  @Test
  void liveViewMovesUnderLoadAndDrainsThroughTheApi() throws Exception {
    start(null);
    String url = node.admin().baseUrl() + "/dashboard/";
    browser().get(url);

    // The page is live and lists every backend, with health as colour and as text.
    Awaitility.await()
        .atMost(15, TimeUnit.SECONDS)
        .until(() -> browser.findElement(By.id("conn")).getText().equals("live"));
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> !browser.findElements(By.cssSelector("tr[data-backend]")).isEmpty());
    assertThat(browser.findElements(By.cssSelector("tr[data-backend]")))
        .extracting(e -> e.getAttribute("data-backend"))
        .containsExactly("web/b1", "web/b2", "api/b3");
    assertThat(text("web/b1", "health")).isEqualTo("UP");
    assertThat(cell("web/b1", "health").findElement(By.tagName("span")).getAttribute("class"))
        .contains("health-up");
    assertThat(text("web/b1", "state")).isEqualTo("active");
    assertThat(text("web/b1", "where")).isEqualTo("hv-a / web-1");
    assertThat(text("web/b2", "weight")).isEqualTo("100");
    assertThat(text("web/b2", "effectiveWeight")).isEqualTo("100");
    assertThat(text("web/b1", "rps")).isEqualTo("0.0");
    String hostA = stable(By.cssSelector("[data-host='hv-a']"));
    assertThat(hostA)
        .contains("Host hv-a")
        .contains("VM web-1: web/b1 (UP)")
        .contains("VM api-1: api/b3 (UP)");
    assertThat(stable(By.cssSelector("#listeners tr[data-listener='web']")))
        .startsWith("web 127.0.0.1:" + node.proxy().port("web"));

    // Numbers move when load is applied.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    List<Thread> threads = load(running, sent);
    try {
      Awaitility.await()
          .atMost(20, TimeUnit.SECONDS)
          .until(
              () ->
                  Double.parseDouble(text("web/b1", "rps")) > 1
                      && Double.parseDouble(text("web/b2", "rps")) > 1
                      && !text("web/b1", "p50").equals("\u2013"));
      assertThat(text("api/b3", "rps")).isEqualTo("0.0");
      Awaitility.await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> Double.parseDouble(browser.findElement(By.id("sum-rps")).getText()) > 1);
      // The charts draw the per-second points.
      Awaitility.await()
          .atMost(10, TimeUnit.SECONDS)
          .until(
              () ->
                  ((Number)
                              js(
                                  "const c = Chart.getChart('chart-rps');"
                                      + " const d = c && c.data.datasets.find(x => x.label"
                                      + " === 'web/b1');"
                                      + " return d ? d.data.filter(v => v > 0).length : 0;"))
                          .intValue()
                      >= 2);

      // Drain from the page: the API agrees, and so does the page.
      cell("web/b1", "actions").findElement(By.cssSelector("button[data-action='drain']")).click();
      Awaitility.await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> apiState("b1", null).equals("draining"));
      Awaitility.await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> text("web/b1", "state").equals("draining"));
      assertThat(
              cell("web/b1", "actions")
                  .findElement(By.cssSelector("button[data-action='drain']"))
                  .isEnabled())
          .isFalse();
      // Drained: new requests go to b2 only, and the page shows it.
      Awaitility.await()
          .atMost(20, TimeUnit.SECONDS)
          .until(() -> text("web/b1", "rps").equals("0.0"));
      Files.createDirectories(Path.of("target"));
      Files.write(
          Path.of("target", "dashboard.png"),
          ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    } finally {
      running.set(false);
      for (Thread t : threads) {
        t.join(5000);
      }
    }
    assertThat(sent.get()).isGreaterThan(10);

    // A freshly opened page shows the history at once.
    browser.get(url);
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                ((Number)
                            js(
                                "const c = Chart.getChart('chart-rps');"
                                    + " return c ? c.data.labels.length : 0;"))
                        .intValue()
                    >= 5);

    // Weight through the dialog.
    cell("web/b2", "actions").findElement(By.cssSelector("button[data-action='weight']")).click();
    WebElement weight = browser.findElement(By.id("weight-input"));
    weight.clear();
    weight.sendKeys("250");
    browser.findElement(By.id("weight-save")).click();
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> text("web/b2", "weight").equals("250"));

    assertThat(consoleProblems()).as("browser console").isEmpty();
  }

  @Test
  void asksForTheTokenWhenTheApiWantsOne() throws Exception {
    Path tokenFile = profile.resolve("admin.token");
    Files.writeString(tokenFile, "s3cret-token\n");
    tokenFile.toFile().setReadable(false, false);
    tokenFile.toFile().setReadable(true, true);
    start(tokenFile);
    browser().get(node.admin().baseUrl() + "/dashboard/");
    // On a loopback bind reads need no token; the page is live.
    Awaitility.await()
        .atMost(15, TimeUnit.SECONDS)
        .until(() -> !browser.findElements(By.cssSelector("tr[data-backend='web/b2']")).isEmpty());

    cell("web/b2", "actions")
        .findElement(By.cssSelector("button[data-action='maintenance']"))
        .click();
    // The change answered 401: the page asks for the token, then retries with it.
    WebElement input = browser.findElement(By.id("token-input"));
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(input::isDisplayed);
    input.sendKeys("s3cret-token");
    browser.findElement(By.id("token-save")).click();
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> apiState("b2", "s3cret-token").equals("maintenance"));
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> text("web/b2", "state").equals("maintenance"));
    // Kept for this tab only.
    assertThat(js("return sessionStorage.getItem('ballast.admin.token')"))
        .isEqualTo("s3cret-token");
    assertThat(js("return localStorage.length")).isEqualTo(0L);
    // The only console complaint is the refused change itself.
    assertThat(consoleProblems())
        .allSatisfy(e -> assertThat(e.getMessage()).contains("401"))
        .hasSizeLessThanOrEqualTo(1);
  }
}
