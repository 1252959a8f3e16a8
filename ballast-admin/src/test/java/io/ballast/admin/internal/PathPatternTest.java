package io.ballast.admin.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathPatternTest {

  @Test
  void matchesLiteralsAndCapturesSegments() {
    PathPattern p = PathPattern.parse("/api/v1/pools/{pool}/backends/{id}");
    assertThat(p.match("/api/v1/pools/web/backends/web-1"))
        .isEqualTo(Map.of("pool", "web", "id", "web-1"));
    assertThat(p.match("/api/v1/pools/web/backends")).isNull();
    assertThat(p.match("/api/v1/pools/web/backends/web-1/x")).isNull();
    assertThat(p.match("/api/v1/pools//backends/web-1")).isNull();
    assertThat(p.match("/api/v1/pools/a%2Fb/backends/c+d"))
        .isEqualTo(Map.of("pool", "a/b", "id", "c+d"));
  }

  @Test
  void restCapturesTheRemainder() {
    PathPattern p = PathPattern.parse("/dashboard/{*file}");
    assertThat(p.match("/dashboard/")).isEqualTo(Map.of("file", ""));
    assertThat(p.match("/dashboard/css/site.css")).isEqualTo(Map.of("file", "css/site.css"));
    assertThat(p.match("/dashboard")).isEqualTo(Map.of("file", ""));
    assertThat(p.match("/dash")).isNull();
  }

  @Test
  void rejectsBadPatterns() {
    assertThatThrownBy(() -> PathPattern.parse("api")).hasMessageContaining("starts with '/'");
    assertThatThrownBy(() -> PathPattern.parse("/{*a}/b")).hasMessageContaining("last segment");
    assertThatThrownBy(() -> PathPattern.parse("/{a")).hasMessageContaining("unbalanced");
  }
}
