package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Edge cases of {@link Durations}, {@link DataSize} and {@link HostPort}. */
class ValueParsersTest {

  @Test
  void durations() {
    assertThat(Durations.parse("0")).isZero();
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
    assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    assertThat(Durations.parse("30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("0s")).isZero();
  }

  @Test
  void badDurations() {
    assertThatThrownBy(() -> Durations.parse("5x"))
        .hasMessage("'5x' has an unknown unit 'x' (use ms, s, m, h, d)");
    assertThatThrownBy(() -> Durations.parse("30"))
        .hasMessage("'30' needs a unit (examples: 250ms, 30s, 5m, 1h)");
    assertThatThrownBy(() -> Durations.parse(""))
        .hasMessage("empty duration (examples: 250ms, 30s, 5m)");
    assertThatThrownBy(() -> Durations.parse("-5s"))
        .hasMessage("'-5s' is not a duration (examples: 250ms, 30s, 5m, 1m30s)");
    assertThatThrownBy(() -> Durations.parse("s"))
        .hasMessage("'s' is not a duration (examples: 250ms, 30s, 5m, 1m30s)");
    assertThatThrownBy(() -> Durations.parse("1..5s"))
        .hasMessage("'1..5s' is not a duration (examples: 250ms, 30s, 5m, 1m30s)");
  }

  @Test
  void formatsDurationsTheWayTheyParse() {
    for (String s : new String[] {"0", "250ms", "30s", "5m", "1h", "100us", "7ns"}) {
      assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
    }
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
  }

  @Test
  void sizes() {
    assertThat(DataSize.parseBytes("0")).isZero();
    assertThat(DataSize.parseBytes("512")).isEqualTo(512);
    assertThat(DataSize.parseBytes("512B")).isEqualTo(512);
    assertThat(DataSize.parseBytes("16KiB")).isEqualTo(16 * 1024);
    assertThat(DataSize.parseBytes("16 KiB")).isEqualTo(16 * 1024);
    assertThat(DataSize.parseBytes("10KB")).isEqualTo(10_000);
    assertThat(DataSize.parseBytes("4MiB")).isEqualTo(4L << 20);
    assertThat(DataSize.parseBytes("1MB")).isEqualTo(1_000_000);
    assertThat(DataSize.parseBytes("1GiB")).isEqualTo(1L << 30);
    assertThat(DataSize.parseBytes("2GB")).isEqualTo(2_000_000_000L);
    assertThat(DataSize.parseBytes("1TiB")).isEqualTo(1L << 40);
    assertThat(DataSize.parseBytes("8k")).isEqualTo(8192);
    assertThat(DataSize.parseBytes("8kib")).isEqualTo(8192);
  }

  @Test
  void badSizes() {
    assertThatThrownBy(() -> DataSize.parseBytes("KiB"))
        .hasMessage("'KiB' is not a size (examples: 512, 16KiB, 4MiB, 1GiB)");
    assertThatThrownBy(() -> DataSize.parseBytes("-1"))
        .hasMessage("'-1' is not a size (examples: 512, 16KiB, 4MiB, 1GiB)");
    assertThatThrownBy(() -> DataSize.parseBytes("1.5MiB"))
        .hasMessage("'1.5MiB' has an unknown unit '.5MiB' (use B, KiB, MiB, GiB, KB, MB, GB)");
    assertThatThrownBy(() -> DataSize.parseBytes("10XB"))
        .hasMessage("'10XB' has an unknown unit 'XB' (use B, KiB, MiB, GiB, KB, MB, GB)");
    assertThatThrownBy(() -> DataSize.parseBytes("99999999999999999999"))
        .hasMessage("'99999999999999999999' is too large");
    assertThatThrownBy(() -> DataSize.parseBytes("9999999999TiB"))
        .hasMessage("'9999999999TiB' is too large");
  }

  @Test
  void formatsSizes() {
    assertThat(DataSize.format(512)).isEqualTo("512");
    assertThat(DataSize.format(16 * 1024)).isEqualTo("16KiB");
    assertThat(DataSize.format(1L << 20)).isEqualTo("1MiB");
    assertThat(DataSize.format(3L << 30)).isEqualTo("3GiB");
    assertThat(DataSize.format(1500)).isEqualTo("1500");
  }

  @Test
  void hostPorts() {
    assertThat(HostPort.parse("10.0.0.1:8080")).isEqualTo(new HostPort("10.0.0.1", 8080));
    assertThat(HostPort.parse(" web-1.lan:80 ")).isEqualTo(new HostPort("web-1.lan", 80));
    assertThat(HostPort.parse("Web-1.LAN:80")).isEqualTo(new HostPort("web-1.lan", 80));
    assertThat(HostPort.parse("[::1]:8080")).isEqualTo(new HostPort("::1", 8080));
    assertThat(HostPort.parse("[fe80::1%eth0]:8080").host()).isEqualTo("fe80::1%eth0");
    assertThat(HostPort.parse("*:8080")).isEqualTo(new HostPort(HostPort.ANY, 8080));
    assertThat(HostPort.parse(":8080")).isEqualTo(new HostPort(HostPort.ANY, 8080));
    assertThat(HostPort.parse("1.2.3.4:1").port()).isEqualTo(1);
    assertThat(HostPort.parse("1.2.3.4:65535").port()).isEqualTo(65535);
    assertThat(HostPort.parse("0.0.0.0:80").isWildcard()).isTrue();
    assertThat(HostPort.parse("[::]:80").isWildcard()).isTrue();
    assertThat(HostPort.parse("[::1]:8080").toString()).isEqualTo("[::1]:8080");
    assertThat(HostPort.parse("10.0.0.1:8080").toString()).isEqualTo("10.0.0.1:8080");
  }

  @Test
  void badHostPorts() {
    assertThatThrownBy(() -> HostPort.parse("10.0.0.1:70000"))
        .hasMessage("port 70000 is out of range 1..65535");
    assertThatThrownBy(() -> HostPort.parse("10.0.0.1:0"))
        .hasMessage("port 0 is out of range 1..65535");
    assertThatThrownBy(() -> HostPort.parse("10.0.0.1"))
        .hasMessage("'10.0.0.1' is not host:port (missing ':port')");
    assertThatThrownBy(() -> HostPort.parse("8080"))
        .hasMessage(
            "'8080' is not host:port (missing the host: 0.0.0.0:8080 or :8080 for every"
                + " interface)");
    assertThatThrownBy(() -> HostPort.parse("10.0.0.1:http"))
        .hasMessage("'http' is not a port number (1..65535)");
    assertThatThrownBy(() -> HostPort.parse("10.0.0.1:"))
        .hasMessage("'' is not a port number (1..65535)");
    assertThatThrownBy(() -> HostPort.parse("::1:8080"))
        .hasMessage("'::1:8080' is not host:port (write IPv6 addresses in brackets: [::1]:8080)");
    assertThatThrownBy(() -> HostPort.parse("[::1]8080"))
        .hasMessage("'[::1]8080' is not host:port (IPv6 addresses look like [::1]:8080)");
    assertThatThrownBy(() -> HostPort.parse("web 1:80"))
        .hasMessage("'web 1' is not a valid host name or address");
    assertThatThrownBy(() -> new HostPort("", 80)).hasMessage("host is empty");
  }
}
