package io.ballast.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.model.AdminState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentReportTest {

  /**
   * Valid answers: reply | health | admin | percent | weight | maxconn | comment | normal form. The
   * reply column uses {@code \n}, {@code \r}, {@code \t} escapes, decoded by the test.
   */
  @ParameterizedTest(name = "[{index}] ''{0}''")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      quoteCharacter = '"',
      value = {
        "up                     | UP   | -           | -1  | -1  | -1  | -         | up",
        "down                   | DOWN | -           | -1  | -1  | -1  | -         | down",
        "fail                   | DOWN | -           | -1  | -1  | -1  | -         | fail",
        "stopped                | DOWN | -           | -1  | -1  | -1  | -         | stopped",
        "ready                  | -    | ACTIVE      | -1  | -1  | -1  | -         | ready",
        "drain                  | -    | DRAINING    | -1  | -1  | -1  | -         | drain",
        "maint                  | -    | MAINTENANCE | -1  | -1  | -1  | -         | maint",
        "75%                    | -    | -           | 75  | -1  | -1  | -         | 75%",
        "0%                     | -    | -           | 0   | -1  | -1  | -         | 0%",
        "weight:250             | -    | -           | -1  | 250 | -1  | -         | weight:250",
        "maxconn:30             | -    | -           | -1  | -1  | 30  | -         | maxconn:30",
        "up 75%                 | UP   | -           | 75  | -1  | -1  | -         | up 75%",
        "\"  UP,\tReady  50% \" | UP   | ACTIVE      | 50  | -1  | -1  | -         | up ready 50%",
        "up 75%\\n              | UP   | -           | 75  | -1  | -1  | -         | up 75%",
        "up 75%\\r\\n           | UP   | -           | 75  | -1  | -1  | -         | up 75%",
        "up\\ndown              | UP   | -           | -1  | -1  | -1  | -         | up",
        "drain 0% maxconn:10    | -    | DRAINING    | 0   | -1  | 10  | -         | drain 0% maxconn:10",
        "down#disk full         | DOWN | -           | -1  | -1  | -1  | disk full | down (disk full)",
        "stopped # upgrading \\n| DOWN | -           | -1  | -1  | -1  | upgrading | stopped (upgrading)",
        "up up                  | UP   | -           | -1  | -1  | -1  | -         | up",
        "150%                   | -    | -           | 150 | -1  | -1  | -         | 150%",
        "up #                   | UP   | -           | -1  | -1  | -1  | -         | up",
      })
  void validAnswers(
      String reply,
      HealthStatus health,
      AdminState admin,
      int percent,
      int weight,
      int maxconn,
      String comment,
      String normal) {
    AgentReport r = AgentReport.parse(unescape(reply));
    assertThat(r.error()).isNull();
    assertThat(r.valid()).isTrue();
    assertThat(r.health()).isEqualTo(health);
    assertThat(r.adminState()).isEqualTo(admin);
    assertThat(r.weightPercent()).isEqualTo(percent);
    assertThat(r.weight()).isEqualTo(weight);
    assertThat(r.maxConnections()).isEqualTo(maxconn);
    assertThat(r.comment()).isEqualTo(comment);
    assertThat(r.describe()).isEqualTo(normal);
    assertThat(r.passed()).isEqualTo(health != HealthStatus.DOWN);
  }

  /** Garbage: reply | error. */
  @ParameterizedTest(name = "[{index}] ''{0}''")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"\"                  | empty answer",
        "\"   \"               | empty answer",
        "\\n                   | empty answer",
        "#just a comment       | empty answer",
        "upp                   | unknown word 'upp' in 'upp'",
        "up banana             | unknown word 'banana' in 'up banana'",
        "HTTP/1.1 200 OK       | unknown word 'HTTP/1.1' in 'HTTP/1.1 200 OK'",
        "up down               | contradicting states 'up' and 'down' in 'up down'",
        "drain maint           | contradicting states 'drain' and 'maint' in 'drain maint'",
        "75% 50%               | two weights in '75% 50%'",
        "75% weight:10         | two weights in '75% weight:10'",
        "-5%                   | '-5%' is not a weight percentage (0%..1000%) in '-5%'",
        "1001%                 | '1001%' is not a weight percentage (0%..1000%) in '1001%'",
        "7.5%                  | '7.5%' is not a weight percentage (0%..1000%) in '7.5%'",
        "weight:x              | 'weight:x' is not a weight (weight:0..weight:10000) in 'weight:x'",
        "weight:10001          | 'weight:10001' is not a weight (weight:0..weight:10000) in"
            + " 'weight:10001'",
        "maxconn:              | 'maxconn:' is not a connection limit (such as maxconn:100) in"
            + " 'maxconn:'",
        "\\u0001up             | unknown word '\\x01up' in '\\x01up'",
      })
  void garbageIsAFailedCheck(String reply, String error) {
    AgentReport r = AgentReport.parse(unescape(reply));
    assertThat(r.valid()).isFalse();
    assertThat(r.passed()).isFalse();
    assertThat(r.error()).isEqualTo(error);
    assertThat(r.describe()).isEqualTo(error);
    assertThat(r.health()).isNull();
    assertThat(r.adminState()).isNull();
    assertThat(r.effectiveWeight(100)).isEqualTo(100);
  }

  @Test
  void effectiveWeight() {
    assertThat(AgentReport.parse("up").effectiveWeight(80)).isEqualTo(80);
    assertThat(AgentReport.parse("75%").effectiveWeight(80)).isEqualTo(60);
    assertThat(AgentReport.parse("0%").effectiveWeight(80)).isZero();
    assertThat(AgentReport.parse("50%").effectiveWeight(1)).isEqualTo(1); // rounds half up
    assertThat(AgentReport.parse("1000%").effectiveWeight(5000)).isEqualTo(10_000); // capped
    assertThat(AgentReport.parse("weight:7").effectiveWeight(80)).isEqualTo(7);
  }

  @Test
  void longGarbageIsQuotedShort() {
    AgentReport r = AgentReport.parse("z".repeat(100));
    assertThat(r.error())
        .isEqualTo("unknown word '" + "z".repeat(40) + "...' in '" + "z".repeat(40) + "...'");
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r")
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\u0001", "\u0001");
  }
}
