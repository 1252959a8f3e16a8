package io.ballast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: help, validate's report and exit codes. */
class CliTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

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
  void theDemoSelftestServesThroughEveryPartAndStops() {
    // What the launcher runs once per build to record its class-data archive.
    Run r = run("demo", "--selftest", "--backends", "2");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(run("demo", "--help").out()).doesNotContain("selftest");
  }

  @Test
  void helpListsTheCommands() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("demo", "run", "validate");
  }

  @Test
  void validateExplainsEveryMistakeAndFails() throws Exception {
    Path f = dir.resolve("ballast.yaml");
    Files.writeString(
        f,
        """
        listeners:
          - { name: web, listen: 127.0.0.1:80800, pool: wbe }
        pools:
          - name: web
            algoritm: round-robin
            backends:
              - { id: n1, address: 127.0.0.1:9001, weight: -3 }
        """);
    Run r = run("validate", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(f + ":2 listeners[0].listen: port 80800 is out of range 1..65535")
        .contains(
            f + ":2 listeners[0].pool: no pool named 'wbe' (did you mean 'web'?); pools are: web")
        .contains(f + ":5 pools[0].algoritm: unknown key (did you mean 'algorithm'?)")
        .contains(f + ":7 pools[0].backends[0].weight: -3 is out of range 0..10000")
        .contains("4 errors in " + f);
  }

  @Test
  void validateAcceptsAGoodConfig() throws Exception {
    Path f = dir.resolve("ok.yaml");
    Files.writeString(
        f,
        """
        listeners: [ { name: web, listen: 127.0.0.1:8080, pool: web } ]
        pools:
          - name: web
            backends: [ { id: a, address: 127.0.0.1:9001 }, { id: b, address: 127.0.0.1:9002 } ]
        """);
    Run r = run("validate", f.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(f + ": OK (1 listener, 1 pool, 2 backends)\n");
  }

  @Test
  void missingFilesAreExplained() {
    Run r = run("validate", dir.resolve("nope.yaml").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("nope.yaml: no such file");
    Run run = run("run", "--config", dir.resolve("nope.yaml").toString());
    assertThat(run.code()).isEqualTo(2);
  }

  @Test
  void runRefusesABadConfigWithoutStarting() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "listeners: []\npools: []\n");
    Run r = run("run", "--config", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("not starting");
  }
}
