package io.ballast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.ConfigLoader;
import io.ballast.server.Node;
import io.ballast.server.NodeFixtures;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ballast ctl} against a live node: output, messages and exit codes. */
@ExtendWith(NettyLeakCheck.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtlTest {
  @TempDir static Path dir;

  private TestBackend b1;
  private TestBackend b2;
  private TestBackend b3;
  private Node node;
  private String admin;

  private record Run(int code, String out, String err) {}

  @BeforeAll
  void start() throws Exception {
    b1 = TestBackend.start("web-1");
    b2 = TestBackend.start("web-2");
    b3 = TestBackend.start("web-3");
    Path file = dir.resolve("ballast.yaml");
    Files.writeString(
        file,
        "node: { name: edge-1 }\n"
            + "admin: { listen: 127.0.0.1:"
            + NodeFixtures.freePort()
            + " }\n"
            + "listeners: [ { name: web, listen: 127.0.0.1:"
            + NodeFixtures.freePort()
            + ", pool: web } ]\n"
            + "pools:\n"
            + "  - name: web\n"
            + "    algorithm: weighted-round-robin\n"
            + "    backends:\n"
            + "      - { id: web-1, address: "
            + b1.address()
            + ", vm: vm-1, host: hv-a }\n"
            + "      - { id: web-2, address: "
            + b2.address()
            + ", weight: 50 }\n"
            + "  - name: api\n"
            + "    algorithm: least-connections\n");
    node = Node.start(ConfigLoader.load(file, BalancerRegistry.defaults()), file);
    admin = node.admin().baseUrl();
  }

  @AfterAll
  void stop() {
    node.close();
    b1.close();
    b2.close();
    b3.close();
  }

  private Run ctl(String... args) {
    List<String> all = new ArrayList<>(List.of("ctl", "--admin", admin));
    all.addAll(List.of(args));
    return run(all.toArray(new String[0]));
  }

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void poolsPrintsAnAlignedTable() {
    Run r = ctl("pools");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            """
            POOL  ALGORITHM             BACKENDS  ELIGIBLE  DRAINING  MAINT  UNHEALTHY  INFLIGHT  CONNS
            web   weighted-round-robin         2         2         0      0          0         0      0
            api   least-connections            0         0         0      0          0         0      0
            """);
  }

  @Test
  void backendsPrintsLiveState() {
    Run r = ctl("backends", "web");
    assertThat(r.code()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0])
        .isEqualTo(
            "ID     ADDRESS          STATE   HEALTH  WEIGHT  EFFECTIVE  INFLIGHT  CONNS  VM    HOST  REASON"
                .replace("ADDRESS          ", "ADDRESS" + " ".repeat(b1.address().length() - 5)));
    assertThat(lines[1])
        .startsWith("web-1  " + b1.address() + "  active  up         100        100")
        .endsWith("vm-1  hv-a  -");
    assertThat(lines[2]).startsWith("web-2  " + b2.address()).endsWith("-     -     -");
    // Every column starts where its header does.
    assertThat(lines[1].indexOf("active")).isEqualTo(lines[0].indexOf("STATE"));
    assertThat(ctl("backends", "api").out()).isEqualTo("pool 'api' has no backends\n");
  }

  @Test
  void hostsCanBeListedMarkedDownAndUp() {
    Run hosts = ctl("hosts");
    assertThat(hosts.code()).as(hosts.err()).isZero();
    assertThat(hosts.out())
        .isEqualTo(
            """
            HOST  STATE  BACKENDS  HEALTHY  REASON
            hv-a  up            1        1  -
            """);
    Run down = ctl("host-down", "hv-a", "--reason", "firmware upgrade");
    assertThat(down.code()).as(down.err()).isZero();
    assertThat(down.out()).isEqualTo("host hv-a is down; 1 backend(s) ejected\n");
    assertThat(node.controlPlane().current().pool("web").endpoint("web-1").healthReason())
        .isEqualTo("host hv-a is down (firmware upgrade)");
    assertThat(ctl("hosts").out()).contains("hv-a  down          1        0  firmware upgrade");
    assertThat(ctl("host-up", "hv-a").code()).isZero();
    assertThat(node.controlPlane().current().pool("web").endpoint("web-1").healthy()).isTrue();
    Run unknown = ctl("host-down", "hv-zz");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("ballast ctl: no host named 'hv-zz'; hosts are: hv-a\n");
  }

  @Test
  void restartIsRefusedByANodeThatCannotRestartItself() {
    // This node was started in-process, without the launcher's restart hook.
    Run r = ctl("restart");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("this node cannot restart itself");
  }

  @Test
  void jsonPrintsTheApisJsonWhereverTheOptionStands() throws Exception {
    Run before = ctl("--json", "pools");
    Run after = ctl("pools", "--json");
    assertThat(before.code()).isZero();
    JsonNode j = new ObjectMapper().readTree(before.out());
    assertThat(j.get("pools").get(0).get("name").asText()).isEqualTo("web");
    assertThat(new ObjectMapper().readTree(after.out()).get("pools")).isEqualTo(j.get("pools"));
  }

  @Test
  void statusShowsTheNodeAtAGlance() {
    Run r = ctl("status");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("node        edge-1 (ready)\n")
        .contains("config      " + dir.resolve("ballast.yaml"))
        .contains("overlay     " + dir.resolve("ballast.yaml.runtime.json"))
        .contains("listeners   web 127.0.0.1:" + node.proxy().port("web") + " -> web\n")
        .contains("pools       2 (")
        .contains("generation  ");
  }

  @Test
  void changesRoundTrip() {
    Run add =
        ctl(
            "add",
            "api",
            "api-1",
            b3.address(),
            "--weight",
            "40",
            "--vm",
            "vm-3",
            "--host",
            "hv-c");
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out())
        .isEqualTo("added api/api-1 at " + b3.address() + " (weight 40, active)\n");

    Run dup = ctl("add", "api", "api-1", b3.address());
    assertThat(dup.code()).isEqualTo(1);
    assertThat(dup.err())
        .isEqualTo(
            "ballast ctl: pool 'api' already has a backend 'api-1'; remove it first or pick another"
                + " id\n");

    assertThat(ctl("weight", "api", "api-1", "7").out()).isEqualTo("api/api-1 weight is now 7\n");
    assertThat(ctl("drain", "api", "api-1").out()).isEqualTo("api/api-1 is now draining\n");
    assertThat(ctl("maint", "api", "api-1").out()).isEqualTo("api/api-1 is now maintenance\n");
    assertThat(ctl("enable", "api", "api-1").out()).isEqualTo("api/api-1 is now active\n");

    Run overlay = ctl("overlay");
    assertThat(overlay.out())
        .startsWith("1 runtime change (" + dir.resolve("ballast.yaml.runtime.json") + "):\n")
        .contains("added   api/api-1  " + b3.address() + " weight 7 vm vm-3 host hv-c");

    Run remove = ctl("remove", "api", "api-1", "--wait");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.out())
        .startsWith("draining api/api-1 (up to 30s)...\nremoved api/api-1 (drained in ");
    assertThat(node.controlPlane().current().pool("api").endpoints()).isEmpty();
    assertThat(ctl("overlay").out()).startsWith("no runtime changes (");
  }

  @Test
  void refusalsAreOneLineWithExitCode1() {
    Run weight = ctl("weight", "web", "web-1", "20000");
    assertThat(weight.code()).isEqualTo(1);
    assertThat(weight.err()).isEqualTo("ballast ctl: weight: 20000 is out of range 0..10000\n");

    Run missing = ctl("drain", "web", "web-9");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err())
        .isEqualTo("ballast ctl: pool 'web' has no backend 'web-9'; backends are: web-1, web-2\n");

    Run pool = ctl("backends", "wbe");
    assertThat(pool.err()).isEqualTo("ballast ctl: no pool named 'wbe'; pools are: web, api\n");

    Run badAddress = ctl("add", "web", "web-9", "nowhere");
    assertThat(badAddress.code()).isEqualTo(1);
    assertThat(badAddress.err())
        .isEqualTo("ballast ctl: address: 'nowhere' is not host:port (missing ':port')\n");
  }

  @Test
  void reloadReportsWhatItDid() {
    Run r = ctl("reload");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("reloaded " + dir.resolve("ballast.yaml") + ": 1 listener(s), 2 pool(s)")
        .contains("(generation ");
  }

  @Test
  void anUnreachableNodeIsExit3WithAHint() throws Exception {
    int port = NodeFixtures.freePort();
    Run r = run("ctl", "--admin", "http://127.0.0.1:" + port, "pools");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "ballast ctl: cannot reach the admin API at http://127.0.0.1:"
                + port
                + ": connection refused — is the node running? (--admin)\n");
  }

  @Test
  void usageErrorsAreExit2() {
    assertThat(run("ctl").code()).isEqualTo(2);
    Run missing = ctl("weight", "web");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required parameter");
    Run url = run("ctl", "--admin", "localhost:9090", "pools");
    assertThat(url.code()).isEqualTo(2);
    assertThat(url.err())
        .isEqualTo(
            "ballast ctl: --admin: 'localhost:9090' is not an http:// URL (like"
                + " http://127.0.0.1:9090)\n");
    Run token = ctl("--token-file", dir.resolve("nope").toString(), "pools");
    assertThat(token.code()).isEqualTo(2);
    assertThat(token.err())
        .isEqualTo("ballast ctl: --token-file " + dir.resolve("nope") + ": no such file\n");
    assertThat(run("ctl", "--help").out())
        .contains("Exit status:", "3   the admin API cannot be reached");
  }

  @Test
  void aTokenIsSentFromTheTokenFile() throws Exception {
    Path token = Files.writeString(dir.resolve("admin.token"), "tok-9\n");
    try (TestBackend b = TestBackend.start("solo");
        Node secured =
            Node.start(NodeFixtures.withAdmin(TestConfigs.simple("round-robin", b), token))) {
      String url = secured.admin().baseUrl();
      Run without = run("ctl", "--admin", url, "weight", "web", "solo", "5");
      assertThat(without.code()).isEqualTo(1);
      assertThat(without.err())
          .isEqualTo(
              "ballast ctl: changes need the admin token: send 'Authorization: Bearer <token>'"
                  + " (the token is in admin.token-file) (pass --token-file FILE or set"
                  + " BALLAST_TOKEN_FILE)\n");
      Run with =
          run(
              "ctl",
              "--admin",
              url,
              "--token-file",
              token.toString(),
              "weight",
              "web",
              "solo",
              "5");
      assertThat(with.code()).as(with.err()).isZero();
      assertThat(with.out()).isEqualTo("web/solo weight is now 5\n");
    }
  }
}
