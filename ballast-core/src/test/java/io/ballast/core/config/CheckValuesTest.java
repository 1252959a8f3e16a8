package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The value types of health checks: {@link StatusSet}, {@link Payload}, {@link ReplyMatcher}. */
class CheckValuesTest {

  @Test
  void statusSets() {
    StatusSet s = StatusSet.parse("200, 204,300-302 ");
    assertThat(s.contains(200)).isTrue();
    assertThat(s.contains(201)).isFalse();
    assertThat(s.contains(204)).isTrue();
    assertThat(s.contains(301)).isTrue();
    assertThat(s.contains(303)).isFalse();
    assertThat(s.contains(0)).isFalse();
    assertThat(s.contains(-1)).isFalse();
    assertThat(s.contains(600)).isFalse();
    assertThat(s.toString()).isEqualTo("200,204,300-302");
    assertThat(StatusSet.parse(List.of("500-599", "429")))
        .isEqualTo(StatusSet.range(500, 599).union(StatusSet.of(429)));
    assertThat(StatusSet.range(100, 599).toString()).isEqualTo("100-599");
    assertThat(StatusSet.range(100, 599).contains(599)).isTrue();
    assertThat(StatusSet.of(503).hashCode()).isEqualTo(StatusSet.parse("503").hashCode());
    assertThat(StatusSet.EMPTY.isEmpty()).isTrue();
    assertThat(StatusSet.EMPTY.toString()).isEmpty();
    assertThat(StatusSet.of(200).isEmpty()).isFalse();
  }

  @Test
  void badStatusSets() {
    assertThatThrownBy(() -> StatusSet.parse("2xx"))
        .hasMessage("'2xx' is not a status or range (such as 503 or 500-599)");
    assertThatThrownBy(() -> StatusSet.parse("600"))
        .hasMessage("'600' is not an HTTP status (100..599)");
    assertThatThrownBy(() -> StatusSet.parse("500-"))
        .hasMessage("'500-' is not a status or range (such as 503 or 500-599)");
    assertThatThrownBy(() -> StatusSet.parse("-500"))
        .hasMessage("'-500' is not a status or range (such as 503 or 500-599)");
    assertThatThrownBy(() -> StatusSet.parse("200,,204"))
        .hasMessage("'200,,204' has an empty entry (write statuses such as 200,204,300-399)");
    assertThatThrownBy(() -> StatusSet.parse("99999999999"))
        .hasMessage("'99999999999' is not a status or range (such as 503 or 500-599)");
    assertThatThrownBy(() -> StatusSet.of(99)).hasMessage("99 is not an HTTP status (100..599)");
  }

  @Test
  void payloads() {
    assertThat(Payload.parse("PING\\r\\n").bytes())
        .isEqualTo("PING\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(Payload.parse("a\\tb\\\\c\\0").bytes())
        .isEqualTo(new byte[] {'a', '\t', 'b', '\\', 'c', 0});
    assertThat(Payload.parse("\\x00\\xFf").bytes()).isEqualTo(new byte[] {0, (byte) 0xff});
    assertThat(Payload.parse("é").bytes()).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    assertThat(Payload.parse("")).isSameAs(Payload.EMPTY);
    assertThat(Payload.EMPTY.isEmpty()).isTrue();
    Payload p = Payload.parse("PING\\r\\n");
    assertThat(p.length()).isEqualTo(6);
    assertThat(p.toString()).isEqualTo("PING\\r\\n");
    assertThat(p).isEqualTo(Payload.parse("PING\r\n")).hasSameHashCodeAs(Payload.parse("PING\r\n"));
    // bytes() is a copy.
    p.bytes()[0] = 'X';
    assertThat(p.bytes()[0]).isEqualTo((byte) 'P');
  }

  @Test
  void badPayloads() {
    String hint = " is not an escape (use \\r, \\n, \\t, \\0, \\\\ or \\xHH)";
    assertThatThrownBy(() -> Payload.parse("a\\")).hasMessage("'\\'" + hint);
    assertThatThrownBy(() -> Payload.parse("\\q")).hasMessage("'\\q'" + hint);
    assertThatThrownBy(() -> Payload.parse("\\x4")).hasMessage("'\\x4'" + hint);
    assertThatThrownBy(() -> Payload.parse("\\xzz")).hasMessage("'\\xzz'" + hint);
  }

  @Test
  void replyMatchers() {
    ReplyMatcher sub = ReplyMatcher.parse("+PONG");
    assertThat(sub.matches("+PONG\r\n")).isTrue();
    assertThat(sub.matches("-ERR")).isFalse();
    assertThat(sub.isRegex()).isFalse();
    assertThat(sub.toString()).isEqualTo("+PONG");
    ReplyMatcher re = ReplyMatcher.parse("regex:^(\\+PONG|\\$\\d+)");
    assertThat(re.isRegex()).isTrue();
    assertThat(re.matches("$5\r\n")).isTrue();
    assertThat(re.matches("x+PONG")).isFalse();
    assertThat(re).isEqualTo(ReplyMatcher.parse("regex:^(\\+PONG|\\$\\d+)"));
    assertThatThrownBy(() -> ReplyMatcher.parse("")).hasMessage("must not be empty");
    assertThatThrownBy(() -> ReplyMatcher.parse("regex:"))
        .hasMessage("'regex:' has an empty regular expression");
    assertThatThrownBy(() -> ReplyMatcher.parse("regex:("))
        .hasMessageStartingWith("'regex:(' is not a valid regular expression: ");
  }

  @Test
  void recordsCheckTheirInvariants() {
    assertThatThrownBy(
            () -> new HealthConfig(null, PassiveHealthConfig.OFF, 0.5, HealthConfig.InitState.DOWN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ActiveCheckConfig.tcp().withTiming(Duration.ZERO, Duration.ofSeconds(1), 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ActiveCheckConfig(
                    ActiveCheckConfig.CheckType.TCP,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    0,
                    Duration.ofSeconds(1),
                    1,
                    1,
                    0,
                    HttpCheckConfig.defaults(),
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AgentCheckConfig(0, Duration.ofSeconds(1), Payload.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new RetryConfig(-1, 0.1, 3, Set.of(), StatusSet.EMPTY, Duration.ZERO, 0, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RetryConfig.OFF.enabled()).isFalse();
  }
}
