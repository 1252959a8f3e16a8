package io.ballast.core.util;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * String distance for "did you mean" hints: the optimal string alignment variant of
 * Damerau-Levenshtein distance, where swapping two adjacent characters costs one edit like an
 * insertion, deletion or substitution does ({@code wbe} is one edit from {@code web}).
 */
public final class EditDistance {
  private EditDistance() {}

  /**
   * The number of single-character edits (with adjacent swaps) that turn {@code a} into {@code b}.
   */
  public static int between(CharSequence a, CharSequence b) {
    int n = a.length();
    int m = b.length();
    // Three rolling rows: the transposition step looks two rows back.
    int[] prev2 = new int[m + 1];
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      cur[0] = i;
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int d = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        cur[j] = d;
      }
      int[] t = prev2;
      prev2 = prev;
      prev = cur;
      cur = t;
    }
    return prev[m];
  }

  /**
   * The candidate closest to {@code word}, ignoring case, when it is close enough to be a likely
   * typo: at most one edit for words of up to five characters, two up to eight, three beyond. Ties
   * go to the earlier candidate.
   */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    String w = word.toLowerCase(Locale.ROOT);
    int limit = maxEdits(w.length());
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = between(w, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance && d <= limit && d < Math.max(w.length(), candidate.length())) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int maxEdits(int length) {
    if (length <= 5) {
      return 1;
    }
    return length <= 8 ? 2 : 3;
  }
}
