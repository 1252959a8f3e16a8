package io.ballast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code ballast run}'s plain-argument parser, which spares a node picocli's start-up, must read
 * every argument list it accepts exactly as picocli does, and must hand everything else to picocli
 * (which then prints help, or names the mistake).
 */
class RunArgumentsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-c a.yaml",
        "--config a.yaml",
        "--config=a.yaml",
        "--config /etc/ballast/ballast.yaml --takeover",
        "--takeover --config a.yaml --handoff-socket /tmp/h.sock --pid-file /run/b.pid",
        "--config=a.yaml --handoff-socket=/tmp/h.sock --pid-file=/run/b.pid",
        "--pid-file b.pid -c a.yaml",
      })
  void acceptedArgumentsMeanWhatPicocliReadsInThem(String line) {
    String[] args = line.split(" ");
    RunCommand plain = RunCommand.parsePlain(args);
    assertThat(plain).as(line).isNotNull();
    RunCommand picocli = new RunCommand();
    new CommandLine(picocli).parseArgs(args);
    assertThat(plain.config).isEqualTo(picocli.config);
    assertThat(plain.takeover).isEqualTo(picocli.takeover);
    assertThat(plain.handoffSocket).isEqualTo(picocli.handoffSocket);
    assertThat(plain.pidFile).isEqualTo(picocli.pidFile);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "-h",
        "--version",
        "--takeover",
        "--config",
        "--config=",
        "-c a.yaml -c b.yaml",
        "-c a.yaml --takeover --takeover",
        "-c a.yaml --takeover=true",
        "-c a.yaml --pid-fle b.pid",
        "-c a.yaml extra",
        "-ca.yaml",
        "-c --takeover",
        "-c a.yaml -h",
      })
  void anythingElseIsLeftToPicocli(String line) {
    assertThat(RunCommand.parsePlain(line.split(" "))).as(line).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-c a.yaml extra", "--config", "-c a.yaml -c b.yaml"})
  void whatIsLeftToPicocliIsAMistakePicocliReports(String line) {
    String[] args = line.split(" ");
    CommandLine cl = new CommandLine(new RunCommand());
    cl.setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()));
    assertThat(cl.execute(Arrays.copyOf(args, args.length))).as(line).isEqualTo(2);
    assertThat(Path.of("a.yaml")).doesNotExist();
  }
}
