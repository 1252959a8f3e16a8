package io.ballast.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EditDistanceTest {

  @Test
  void countsInsertionsDeletionsSubstitutions() {
    assertThat(EditDistance.between("", "")).isZero();
    assertThat(EditDistance.between("abc", "")).isEqualTo(3);
    assertThat(EditDistance.between("", "abc")).isEqualTo(3);
    assertThat(EditDistance.between("backends", "backends")).isZero();
    assertThat(EditDistance.between("backnds", "backends")).isEqualTo(1);
    assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
    assertThat(EditDistance.between("path_prefix", "path-prefix")).isEqualTo(1);
  }

  @Test
  void adjacentSwapIsOneEdit() {
    assertThat(EditDistance.between("wbe", "web")).isEqualTo(1);
    assertThat(EditDistance.between("lsiten", "listen")).isEqualTo(1);
    // Optimal string alignment: a swapped pair is not edited again.
    assertThat(EditDistance.between("ca", "abc")).isEqualTo(3);
  }

  @Test
  void closestPicksNearestWithinLimit() {
    List<String> keys = List.of("name", "algorithm", "backends", "timeouts", "slow-start");
    assertThat(EditDistance.closest("backnds", keys)).contains("backends");
    assertThat(EditDistance.closest("timeout", keys)).contains("timeouts");
    assertThat(EditDistance.closest("Name", keys)).contains("name");
    assertThat(EditDistance.closest("algoritm", keys)).contains("algorithm");
    assertThat(EditDistance.closest("slowstart", keys)).contains("slow-start");
    assertThat(EditDistance.closest("weight", keys)).isEmpty();
    assertThat(EditDistance.closest("x", List.of("y"))).isEmpty();
    assertThat(EditDistance.closest("anything", List.of())).isEmpty();
  }

  @Test
  void tiesGoToTheEarlierCandidate() {
    assertThat(EditDistance.closest("cat", List.of("bat", "hat"))).contains("bat");
    assertThat(EditDistance.closest("cat", List.of("hat", "bat"))).contains("hat");
  }

  @Test
  void shortWordsAllowOneEditLongerWordsMore() {
    assertThat(EditDistance.closest("lsten", List.of("listen"))).contains("listen");
    assertThat(EditDistance.closest("lstn", List.of("listen"))).isEmpty();
    assertThat(EditDistance.closest("max-conections", List.of("max-connections")))
        .contains("max-connections");
    assertThat(EditDistance.closest("max-connexion", List.of("max-connections")))
        .contains("max-connections");
  }
}
