package io.ballast.admin.internal;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's path: literal segments, {@code {name}} for one segment and, last, {@code {*name}} for
 * the rest of the path (possibly empty), as in {@code /api/v1/pools/{pool}/backends/{id}} and
 * {@code /dashboard/{*file}}. Captured segments are percent-decoded.
 */
public final class PathPattern {
  private final String pattern;
  private final List<String> segments;
  private final boolean rest;

  private PathPattern(String pattern, List<String> segments, boolean rest) {
    this.pattern = pattern;
    this.segments = segments;
    this.rest = rest;
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException for a pattern not starting with '/' or with {@code {*name}}
   *     anywhere but last
   */
  public static PathPattern parse(String pattern) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a path pattern starts with '/': " + pattern);
    }
    List<String> segs = new ArrayList<>(List.of(pattern.substring(1).split("/", -1)));
    boolean rest = false;
    for (int i = 0; i < segs.size(); i++) {
      String s = segs.get(i);
      if (s.startsWith("{*")) {
        if (i != segs.size() - 1 || !s.endsWith("}")) {
          throw new IllegalArgumentException("{*name} must be the last segment: " + pattern);
        }
        rest = true;
      } else if (s.startsWith("{") != s.endsWith("}")) {
        throw new IllegalArgumentException("unbalanced braces in " + pattern);
      }
    }
    if (rest) {
      segs = segs.subList(0, segs.size() - 1);
      return new PathPattern(pattern, List.copyOf(segs), true);
    }
    return new PathPattern(pattern, List.copyOf(segs), false);
  }

  /** The pattern as written. */
  public String pattern() {
    return pattern;
  }

  /**
   * Matches a raw (not yet decoded) path.
   *
   * @return the captured values by name, or {@code null} when the path does not match
   */
  public Map<String, String> match(String rawPath) {
    if (!rawPath.startsWith("/")) {
      return null;
    }
    String[] parts = rawPath.substring(1).split("/", -1);
    if (rest ? parts.length < segments.size() : parts.length != segments.size()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      String seg = segments.get(i);
      String part = parts[i];
      if (seg.startsWith("{")) {
        if (part.isEmpty()) {
          return null;
        }
        params.put(seg.substring(1, seg.length() - 1), decode(part));
      } else if (!seg.equals(part)) {
        return null;
      }
    }
    if (rest) {
      String last = pattern.substring(pattern.lastIndexOf('/') + 1);
      List<String> tail = new ArrayList<>();
      for (int i = segments.size(); i < parts.length; i++) {
        tail.add(decode(parts[i]));
      }
      params.put(last.substring(2, last.length() - 1), String.join("/", tail));
    }
    return params;
  }

  private static String decode(String s) {
    return QueryStringDecoder.decodeComponent(s.replace("+", "%2B"));
  }

  @Override
  public String toString() {
    return pattern;
  }
}
